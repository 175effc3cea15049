namespace Siamese.Model.Tests;

/// <summary>Tests that touch libtorch run one at a time: its thread count and random generator are process-wide.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "Torch";
}
