
namespace Siamese.Host.Tests.Evaluation;

public sealed class EvaluationMathsTests
{
    [Fact]
    public void MaximiseAccuracy_SyntheticScores_PicksTheKnownBestCut()
    {
        // Negatives 0.1..0.45 and positives 0.35..0.9 overlap; only a cut between 0.45 and 0.6 gets 9 of 10 right
        // (between 0.3 and 0.35 gets 8, as does accepting everything).
        float[] scores = [0.1f, 0.2f, 0.3f, 0.4f, 0.45f, 0.35f, 0.6f, 0.7f, 0.8f, 0.9f];
        float[] labels = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];

        var best = ThresholdCalibration.MaximiseAccuracy(scores, labels);

        Assert.Equal(0.525, best.Threshold, 6);
        Assert.Equal(0.9, best.Accuracy, 12);
    }

    [Fact]
    public void MaximiseAccuracy_TwoEquallyAccurateCuts_TakesTheLowest()
    {
        // Cutting between 0.1 and 0.2, or between 0.3 and 0.4, each gets three of four right.
        var best = ThresholdCalibration.MaximiseAccuracy([0.1f, 0.2f, 0.3f, 0.4f], [0, 1, 0, 1]);

        Assert.Equal(0.75, best.Accuracy);
        Assert.Equal(0.15, best.Threshold, 1e-6);
    }

    [Fact]
    public void MaximiseAccuracy_SeparableScores_IsPerfect()
    {
        float[] scores = [0.9f, 0.1f, 0.8f, 0.2f];
        float[] labels = [1, 0, 1, 0];

        var best = ThresholdCalibration.MaximiseAccuracy(scores, labels);

        Assert.Equal(1.0, best.Accuracy);
        Assert.InRange(best.Threshold, 0.2 + 1e-6, 0.8 - 1e-6);
    }

    [Fact]
    public void MaximiseAccuracy_AllPositive_AcceptsEverything()
    {
        var best = ThresholdCalibration.MaximiseAccuracy([0.3f, 0.6f], [1, 1]);

        Assert.Equal(1.0, best.Accuracy);
        Assert.True(best.Threshold < 0.3f && best.Threshold > 0.2999, $"threshold {best.Threshold}");
    }

    [Fact]
    public void EqualError_KnownScores_FindsTheCrossing()
    {
        // At any t in [0.4, 0.6): one negative of four accepted (0.6), one positive of four rejected (0.4).
        float[] scores = [0.1f, 0.2f, 0.3f, 0.6f, 0.4f, 0.7f, 0.8f, 0.9f];
        float[] labels = [0, 0, 0, 0, 1, 1, 1, 1];

        var eer = ThresholdCalibration.EqualError(scores, labels);

        Assert.Equal(0.25, eer.Rate, 12);
        Assert.Equal(0.25, eer.FalseAcceptRate, 12);
        Assert.Equal(0.25, eer.FalseRejectRate, 12);
        Assert.InRange(eer.Threshold, 0.4 - 1e-6, 0.6 - 1e-6);
    }

    [Fact]
    public void EqualError_ConstantScores_IsOneHalf()
    {
        var eer = ThresholdCalibration.EqualError([0.5f, 0.5f, 0.5f, 0.5f], [0, 1, 0, 1]);

        Assert.Equal(0.5, eer.Rate, 12);
    }

    [Fact]
    public void RocCurve_SeparableScores_RunsFromOneOneToZeroZeroThroughTheCorner()
    {
        var (fpr, tpr) = ThresholdCalibration.RocCurve([0.9f, 0.1f, 0.8f, 0.2f], [1, 0, 1, 0]);

        Assert.Equal((1.0, 1.0), (fpr[0], tpr[0]));
        Assert.Equal((0.0, 0.0), (fpr[^1], tpr[^1]));
        Assert.Contains(Enumerable.Range(0, fpr.Length), i => fpr[i] == 0 && tpr[i] == 1);
    }

    [Theory]
    [InlineData(0, 10, 0.0, 0.2775)]
    [InlineData(50, 100, 0.4038, 0.5962)]
    [InlineData(10, 10, 0.7225, 1.0)]
    public void Wilson_KnownCases_MatchPublishedValues(int successes, int trials, double low, double high)
    {
        var interval = ProportionInterval.Wilson(successes, trials);

        Assert.Equal(low, interval.Low, 4);
        Assert.Equal(high, interval.High, 4);
    }

    [Fact]
    public void DigitPairTable_MixedPairs_IsSymmetricWithSameDigitOnDiagonal()
    {
        int[] left = [0, 0, 1, 0, 1];
        int[] right = [0, 0, 0, 1, 1];
        float[] scores = [0.9f, 0.2f, 0.1f, 0.8f, 0.7f];
        float[] labels = [1, 1, 0, 0, 1];

        var table = DigitPairTable.Create([0, 1], left, right, scores, labels, 0.5);

        Assert.Equal(0.5, table.Accuracy[0][0]);
        Assert.Equal(1.0, table.Accuracy[1][1]);
        Assert.Equal(0.5, table.Accuracy[0][1]);
        Assert.Equal(table.Accuracy[0][1], table.Accuracy[1][0]);
        Assert.Equal(2, table.Pairs[0][1]);
        Assert.Equal((0, 1, 0.5), table.MostConfused(1).Single());
    }
}
