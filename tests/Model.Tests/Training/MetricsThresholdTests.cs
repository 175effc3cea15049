namespace Siamese.Model.Tests;

/// <summary>The decision rule at the boundary: a pair is "same" only when its score is strictly above the threshold.</summary>
public sealed class MetricsThresholdTests
{
    [Fact]
    public void Accuracy_ScoresExactlyAtDefaultThreshold_CountAsDifferent()
    {
        // At 0.5 every pair is called "different": right for the two negatives, wrong for the positive.
        Assert.Equal(2.0 / 3, Metrics.Accuracy([0.5f, 0.5f, 0.5f], [0, 0, 1]), 12);
    }

    [Fact]
    public void Accuracy_ScoresExactlyAtCustomThreshold_CountAsDifferent()
    {
        Assert.Equal(0.0, Metrics.Accuracy([0.25f, 0.25f], [1, 1], threshold: 0.25f));
        Assert.Equal(1.0, Metrics.Accuracy([0.25f, 0.25f], [0, 0], threshold: 0.25f));
    }
}
