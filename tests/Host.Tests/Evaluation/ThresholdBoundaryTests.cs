
namespace Siamese.Host.Tests.Evaluation;

/// <summary>
/// The decision rule at the boundary, as <see cref="Metrics.Accuracy"/> and the trainer decide it: a pair is "same"
/// only when its score is strictly above the threshold, so a score equal to it counts as "different".
/// </summary>
public sealed class ThresholdBoundaryTests
{
    [Fact]
    public void From_ScoresExactlyAtThreshold_CountAsDifferent()
    {
        // Every pair is predicted "different": the two positives are false negatives, the negative a true negative.
        float[] scores = [0.5f, 0.5f, 0.5f];
        float[] labels = [1, 0, 1];

        var result = EvaluationResult.From(scores, labels, 0.5, seed: 7);

        Assert.Equal((0, 0, 1, 2), (result.TruePositives, result.FalsePositives, result.TrueNegatives, result.FalseNegatives));
        Assert.Equal(1.0 / 3, result.Accuracy, 12);
    }

    [Fact]
    public void From_ScoresJustAboveAndAtCustomThreshold_OnlyAboveCountsAsSame()
    {
        float[] scores = [0.25f, MathF.BitIncrement(0.25f), 0.25f, MathF.BitIncrement(0.25f)];
        float[] labels = [1, 1, 0, 0];

        var result = EvaluationResult.From(scores, labels, 0.25, seed: 7);

        Assert.Equal((1, 1, 1, 1), (result.TruePositives, result.FalsePositives, result.TrueNegatives, result.FalseNegatives));
    }

    [Fact]
    public void DigitPairTable_ScoresExactlyAtThreshold_CountAsDifferent()
    {
        // Same-digit pairs (0,0) and (1,1) labelled same, and a (0,1) pair labelled different, all scoring the threshold.
        int[] left = [0, 0, 1, 0];
        int[] right = [0, 0, 1, 1];
        float[] scores = [0.5f, 0.5f, 0.5f, 0.5f];
        float[] labels = [1, 1, 1, 0];

        var table = DigitPairTable.Create([0, 1], left, right, scores, labels, 0.5);

        Assert.Equal(0.0, table.Accuracy[0][0]);
        Assert.Equal(0.0, table.Accuracy[1][1]);
        Assert.Equal(1.0, table.Accuracy[0][1]);
        Assert.Equal(1.0, table.Accuracy[1][0]);
        Assert.Equal([[2, 1], [1, 1]], table.Pairs);
    }
}
