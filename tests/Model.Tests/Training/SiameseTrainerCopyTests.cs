using static TorchSharp.torch;

namespace Siamese.Model.Tests;

/// <summary>A trainer's weights copied into another (the per-epoch scorer's snapshot), and a trainer living past a caller's dispose scope.</summary>
[Collection(TorchCollection.Name)]
public sealed class SiameseTrainerCopyTests
{
    private const int InputSize = 784;

    [Fact]
    public void CopyWeightsFrom_ThenSourceTrains_CopyScoresAsTheSourceDidAtTheCopy()
    {
        var pairs = SyntheticPairs.Create(20, InputSize, seed: 9);
        using var source = NewTrainer(seed: 10);
        using var copy = NewTrainer(seed: 11);
        source.TrainStep(pairs.Left, pairs.Right, pairs.Labels);
        var atCopy = new float[20];
        source.Similarities(pairs.Left, pairs.Right, atCopy);

        copy.CopyWeightsFrom(source);
        source.TrainStep(pairs.Left, pairs.Right, pairs.Labels);

        var copied = new float[20];
        var trainedOn = new float[20];
        copy.Similarities(pairs.Left, pairs.Right, copied);
        source.Similarities(pairs.Left, pairs.Right, trainedOn);
        Assert.Equal(atCopy, copied);
        Assert.NotEqual(atCopy, trainedOn);
    }

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

    [Fact]
    public void CopyWeightsFrom_OtherShape_ThrowsNamingBoth()
    {
        using var source = new SiameseTrainer(new ModelOptions { HiddenSizes = [64, 32] }, new TrainerSettings { TorchThreads = 1 }, 4);
        using var copy = NewTrainer(seed: 1);

        var e = Assert.Throws<ArgumentException>(() => copy.CopyWeightsFrom(source));

        Assert.Contains("64", e.Message);
    }

    private static SiameseTrainer NewTrainer(long seed) =>
        new(new ModelOptions(), new TrainerSettings { Seed = seed, TorchThreads = 1 }, 20);
}
