namespace Siamese.Host.Tests.Evaluation;

public sealed class PcaTests
{
    /// <summary>Points along (1, 2, 2)/3 from an offset: one component carries all the variance, the coordinate is t − mean(t).</summary>
    [Fact]
    public void Project_PointsOnALine_FirstComponentIsTheLineSecondIsEmpty()
    {
        double[] t = [-3, 0, 1, 2, 5];
        var rows = t.SelectMany(s => new[] { (float)(7 + (s / 3)), (float)(-1 + (2 * s / 3)), (float)(2 + (2 * s / 3)) }).ToArray();

        var projection = Pca.Project(rows, 3);

        double mean = t.Average();
        Assert.Equal(t.Select(s => s - mean), projection.X, (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.All(projection.Y, y => Assert.Equal(0, y, 5));
        Assert.Equal(1, projection.Explained[0], 6);
        Assert.Equal(0, projection.Explained[1], 6);
    }

    /// <summary>Independent axes with variances 6 and 2/3 (and a constant third): the components are the axes, in that order.</summary>
    [Fact]
    public void Project_AxisAlignedSpread_ComponentsAreTheAxesByVariance()
    {
        float[] rows = [0, 3, 5, /**/ 0, -3, 5, /**/ 1, 0, 5, /**/ -1, 0, 5];

        var projection = Pca.Project(rows, 3);

        Assert.Equal([3, -3, 0, 0], projection.X.Select(x => Math.Round(x, 6) + 0.0));
        Assert.Equal([0, 0, 1, -1], projection.Y.Select(y => Math.Round(y, 6) + 0.0));
        Assert.Equal(0.9, projection.Explained[0], 6);
        Assert.Equal(0.1, projection.Explained[1], 6);
    }

    [Fact]
    public void Project_IdenticalRows_AllZero()
    {
        var projection = Pca.Project([1, 2, 1, 2, 1, 2], 2);

        Assert.All(projection.X.Concat(projection.Y), v => Assert.Equal(0, v));
        Assert.Equal([0.0, 0.0], projection.Explained);
    }
}
