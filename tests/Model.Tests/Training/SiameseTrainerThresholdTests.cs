namespace Siamese.Model.Tests;

/// <summary>
/// The trainer counts a pair correct when <c>logit &gt; 0</c> agrees with the label. With Keras initialisation the head's
/// bias is zero, so two identical images give a logit of exactly 0 (similarity exactly 0.5): the boundary case.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class SiameseTrainerThresholdTests
{
    private const int InputSize = 784;
    private const int Pairs = 6;

    [Fact]
    public void Similarities_IdenticalImagesAtKerasInitialisation_AreExactlyOneHalf()
    {
        var images = SyntheticPairs.Create(Pairs, InputSize, seed: 31).Left;
        using var trainer = NewTrainer(dropout: 0.1);
        var similarities = new float[Pairs];

        trainer.Model.Similarities(images, images, similarities);

        Assert.All(similarities, s => Assert.Equal(0.5f, s));
    }

    [Fact]
    public void Evaluate_IdenticalImagesLabelledSameAtKerasInitialisation_CountedWrong()
    {
        var images = SyntheticPairs.Create(Pairs, InputSize, seed: 32).Left;
        float[] same = Enumerable.Repeat(1f, Pairs).ToArray();
        using var trainer = NewTrainer(dropout: 0.1);

        StepResult result = trainer.Evaluate(images, images, same);

        Assert.Equal(0, result.Correct);
        Assert.Equal(Pairs, result.Count);
        Assert.Equal(Math.Log(2), result.Loss, 6);
    }

    [Fact]
    public void TrainStep_IdenticalImagesLabelledSameAtKerasInitialisation_CountedWrong()
    {
        // No dropout, so the two towers see the same activations in training mode and the logit is exactly 0.
        var images = SyntheticPairs.Create(Pairs, InputSize, seed: 33).Left;
        float[] same = Enumerable.Repeat(1f, Pairs).ToArray();
        using var trainer = NewTrainer(dropout: 0);

        StepResult result = trainer.TrainStep(images, images, same);

        Assert.Equal(0, result.Correct);
        Assert.Equal(Pairs, result.Count);
        Assert.Equal(Math.Log(2), result.Loss, 6);
    }

    private static SiameseTrainer NewTrainer(double dropout) =>
        new(new ModelOptions { Dropout = dropout }, new TrainerSettings { Seed = 30, TorchThreads = 1 }, maxBatch: Pairs);
}
