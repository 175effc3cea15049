namespace Siamese.Model.Tests;

public sealed class MetricsTests
{
    [Fact]
    public void RocAuc_PerfectRanking_IsOne()
    {
        Assert.Equal(1.0, Metrics.RocAuc([0.1f, 0.2f, 0.8f, 0.9f], [0, 0, 1, 1]));
    }

    [Fact]
    public void RocAuc_ReversedRanking_IsZero()
    {
        Assert.Equal(0.0, Metrics.RocAuc([0.9f, 0.8f, 0.2f, 0.1f], [0, 0, 1, 1]));
    }

    [Fact]
    public void RocAuc_AllScoresTied_IsOneHalf()
    {
        Assert.Equal(0.5, Metrics.RocAuc([0.5f, 0.5f, 0.5f, 0.5f], [0, 1, 0, 1]));
    }

    [Fact]
    public void RocAuc_MixedRankingWithTie_CountsTieAsHalf()
    {
        // Positives 0.8 and 0.4; negatives 0.4 and 0.1. Pairs won: (0.8>0.4), (0.8>0.1), (0.4=0.4 → ½), (0.4>0.1).
        Assert.Equal(3.5 / 4, Metrics.RocAuc([0.8f, 0.4f, 0.4f, 0.1f], [1, 1, 0, 0]), 12);
    }

    [Fact]
    public void RocAuc_SingleClass_IsNaN()
    {
        Assert.True(double.IsNaN(Metrics.RocAuc([0.1f, 0.9f], [1, 1])));
    }

    [Fact]
    public void Accuracy_AtDefaultThreshold_CountsAgreement()
    {
        Assert.Equal(0.75, Metrics.Accuracy([0.9f, 0.6f, 0.4f, 0.7f], [1, 1, 0, 0]));
    }

    [Fact]
    public void Accuracy_MismatchedLengths_Throws()
    {
        Assert.Throws<ArgumentException>(() => Metrics.Accuracy([0.9f], [1, 0]));
    }
}
