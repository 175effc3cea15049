using static TorchSharp.torch;

namespace Siamese.Model.Tests;

/// <summary>The per-epoch scorer's snapshot (an untrained model given a trainer's weights) and the trainer's own scoring view.</summary>
[Collection(TorchCollection.Name)]
public sealed class SiameseModelCopyTests
{
    private const int InputSize = 784;

    [Fact]
    public void CopyWeightsFrom_ThenSourceTrains_CopyScoresAsTheSourceDidAtTheCopy()
    {
        var pairs = SyntheticPairs.Create(20, InputSize, seed: 9);
        using var source = NewTrainer(seed: 10);
        using var copy = SiameseModel.Untrained(new ModelOptions());
        source.TrainStep(pairs.Left, pairs.Right, pairs.Labels);
        var atCopy = new float[20];
        source.Model.Similarities(pairs.Left, pairs.Right, atCopy);

        copy.CopyWeightsFrom(source);
        source.TrainStep(pairs.Left, pairs.Right, pairs.Labels);

        var copied = new float[20];
        var trainedOn = new float[20];
        copy.Similarities(pairs.Left, pairs.Right, copied);
        source.Model.Similarities(pairs.Left, pairs.Right, trainedOn);
        Assert.Equal(atCopy, copied);
        Assert.NotEqual(atCopy, trainedOn);
    }

    [Fact]
    public void CopyWeightsFrom_OtherShape_ThrowsNamingBoth()
    {
        using var source = new SiameseTrainer(new ModelOptions { HiddenSizes = [64, 32] }, new TrainerSettings { TorchThreads = 1 }, 4);
        using var copy = SiameseModel.Untrained(new ModelOptions());

        var e = Assert.Throws<ArgumentException>(() => copy.CopyWeightsFrom(source));

        Assert.Contains("64", e.Message);
    }

    [Fact]
    public void Untrained_MadeBetweenSeedAndDraw_LeavesTheGeneratorsNextNumbersAlone()
    {
        manual_seed(5);
        long expected = randint(long.MaxValue, [1]).item<long>();

        manual_seed(5);
        using (SiameseModel.Untrained(new ModelOptions { Tower = TowerKind.Conv }))
        {
        }

        Assert.Equal(expected, randint(long.MaxValue, [1]).item<long>());
    }

    [Fact]
    public void TrainerModel_ScoredBetweenSteps_ScoresWithoutDropoutAndLeavesTrainingToDropout()
    {
        var pairs = SyntheticPairs.Create(20, InputSize, seed: 3);
        using var trainer = NewTrainer(seed: 4);
        var first = trainer.Model.Similarities(pairs.Left, pairs.Right);
        var second = trainer.Model.Similarities(pairs.Left, pairs.Right);

        Assert.Equal(first, second);
        Assert.True(trainer.Network.training);
    }

    [Fact]
    public void TrainerModel_Disposed_LeavesTheTrainersNetworkUsable()
    {
        var pairs = SyntheticPairs.Create(20, InputSize, seed: 5);
        using var trainer = NewTrainer(seed: 6);
        var before = trainer.Model.Similarities(pairs.Left, pairs.Right);

        trainer.Model.Dispose();

        Assert.True(double.IsFinite(trainer.TrainStep(pairs.Left, pairs.Right, pairs.Labels).Loss));
        Assert.Throws<ObjectDisposedException>(() => trainer.Model.Similarities(pairs.Left, pairs.Right));
        Assert.Equal(20, before.Length);
    }

    private static SiameseTrainer NewTrainer(long seed) =>
        new(new ModelOptions(), new TrainerSettings { Seed = seed, TorchThreads = 1 }, 20);
}
