namespace Siamese.Pipeline.Tests;

public sealed class StreamSettingsTests
{
    [Fact]
    public void Validation_NotFresh_IsTheSameStreamEveryEpoch()
    {
        var options = new PipelineOptions { Validation = { Seed = 5, Augment = true } };

        var epochs = Enumerable.Range(0, 4).Select(e => StreamSettings.Validation(options, e)).ToArray();

        Assert.All(epochs, settings => Assert.Equal(StreamSettings.Validation(options), settings));
        Assert.Equal(new StreamSettings(5, Augment: true), epochs[0]);
    }

    [Fact]
    public void Validation_Fresh_GivesEachEpochItsOwnSeedAndTheSameSeedForTheSameEpoch()
    {
        var options = new PipelineOptions { Validation = { Seed = 5, Fresh = true } };

        var seeds = Enumerable.Range(0, 50).Select(e => StreamSettings.Validation(options, e).Seed).ToArray();

        Assert.Equal(seeds.Length, seeds.Distinct().Count());
        Assert.DoesNotContain(5, seeds);
        Assert.Equal(StreamSettings.Validation(options, 7), StreamSettings.Validation(options, 7));
        Assert.All(Enumerable.Range(0, 50), e => Assert.False(StreamSettings.Validation(options, e).Augment));
    }

    [Fact]
    public void Validation_Fresh_OtherValidationSeedOtherEpochSeeds()
    {
        var a = new PipelineOptions { Validation = { Seed = 5, Fresh = true } };
        var b = new PipelineOptions { Validation = { Seed = 6, Fresh = true } };

        Assert.NotEqual(StreamSettings.Validation(a, 0).Seed, StreamSettings.Validation(b, 0).Seed);
    }

    [Fact]
    public void Validation_NegativeEpoch_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StreamSettings.Validation(new PipelineOptions(), -1));
    }
}
