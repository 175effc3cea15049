using Siamese.Pipeline;

namespace Siamese.Host.Tests.Training;

public sealed class ValidationSetTests
{
    [Fact]
    public async Task ForEpoch_Fixed_EveryEpochTheSamePairs()
    {
        var set = await ValidationSet.CreateAsync(SyntheticDigits.Split().Validation, Options(fresh: false), 3, CancellationToken.None);

        Assert.True(set.ForEpoch(0, CancellationToken.None).Left.SequenceEqual(set.ForEpoch(5, CancellationToken.None).Left));
    }

    [Fact]
    public async Task ForEpoch_Fresh_NewPairsEachEpochAndTheSameForTheSameEpoch()
    {
        var classes = SyntheticDigits.Split().Validation;
        var set = await ValidationSet.CreateAsync(classes, Options(fresh: true), 3, CancellationToken.None);
        var again = await ValidationSet.CreateAsync(classes, Options(fresh: true), 3, CancellationToken.None);

        Assert.False(set.ForEpoch(0, CancellationToken.None).Left.SequenceEqual(set.ForEpoch(1, CancellationToken.None).Left));
        Assert.True(set.ForEpoch(4, CancellationToken.None).Left.SequenceEqual(again.ForEpoch(4, CancellationToken.None).Left));
    }

    private static PipelineOptions Options(bool fresh) => new()
    {
        BatchSize = 8,
        Validation = new ValidationStreamOptions { Augment = true, Fresh = fresh },
    };
}
