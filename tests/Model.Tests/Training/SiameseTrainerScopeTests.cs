using static TorchSharp.torch;

namespace Siamese.Model.Tests;

/// <summary>A trainer living past a caller's dispose scope.</summary>
[Collection(TorchCollection.Name)]
public sealed class SiameseTrainerScopeTests
{
    private const int InputSize = 784;

    [Fact]
    public void TrainStep_TrainerMadeAndSteppedInsideACallersDisposeScope_KeepsWorkingAfterIt()
    {
        var pairs = SyntheticPairs.Create(20, InputSize, seed: 12);
        SiameseTrainer trainer;
        using (NewDisposeScope())
        {
            trainer = NewTrainer(seed: 13);
            trainer.TrainStep(pairs.Left, pairs.Right, pairs.Labels);
        }

        using (trainer)
        {
            StepResult after = trainer.TrainStep(pairs.Left, pairs.Right, pairs.Labels);
            Assert.True(double.IsFinite(after.Loss));
        }
    }

    private static SiameseTrainer NewTrainer(long seed) =>
        new(new ModelOptions(), new TrainerSettings { Seed = seed, TorchThreads = 1 }, 20);
}
