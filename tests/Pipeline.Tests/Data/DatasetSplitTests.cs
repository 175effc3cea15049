using Siamese.Pipeline.Data;

namespace Siamese.Pipeline.Tests.Data;

public sealed class DatasetSplitTests
{
    private static MnistDataset Dataset(int train, int test)
    {
        LabeledImages Images(int n) => new(
            Enumerable.Range(0, n * 4).Select(i => (byte)(i / 4 % 256)).ToArray(),
            Enumerable.Range(0, n).Select(i => (byte)(i * 7 % 10)).ToArray(),
            2,
            2);
        return new MnistDataset(Images(train), Images(test), "memory");
    }

    [Fact]
    public void Create_SameSeed_SameSplit()
    {
        var data = Dataset(1000, 100);

        var a = DatasetSplit.Create(data, 0.2, 9478);
        var b = DatasetSplit.Create(data, 0.2, 9478);

        Assert.Equal(a.Validation.Select(s => s.Pixels.ToArray()), b.Validation.Select(s => s.Pixels.ToArray()));
    }

    [Fact]
    public void Create_OtherSeed_OtherSplit()
    {
        var data = Dataset(1000, 100);

        var a = DatasetSplit.Create(data, 0.2, 1);
        var b = DatasetSplit.Create(data, 0.2, 2);

        Assert.NotEqual(a.Validation[0].Pixels.ToArray(), b.Validation[0].Pixels.ToArray());
    }

    [Fact]
    public void Create_Fraction_GivesProportionsAndKeepsEveryImageOnce()
    {
        var data = Dataset(1000, 100);

        var split = DatasetSplit.Create(data, 0.2, 9478);

        Assert.Equal(800, split.Train.Sum(s => s.Count));
        Assert.Equal(200, split.Validation.Sum(s => s.Count));
        Assert.Equal(100, split.Test.Sum(s => s.Count));
        // Each image's first pixel encodes its index (mod 256): train ∪ validation must hold each index's pixel once.
        var seen = split.Train.Concat(split.Validation).SelectMany(s => Enumerable.Range(0, s.Count).Select(i => s.Image(i)[0])).GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        var expected = Enumerable.Range(0, 1000).Select(i => (byte)(i % 256)).GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected, seen);
    }

    /// <summary>
    /// The validation count is round(n × fraction) over the whole set, halves away from zero: 250.25 → 250 (not 251 as
    /// rounding up gives), 250.75 → 251 (not 250 as truncation gives), 250.5 → 251 (not 250 as banker's rounding gives).
    /// </summary>
    [Theory]
    [InlineData(1001, 250)]
    [InlineData(1003, 251)]
    [InlineData(1002, 251)]
    public void Create_FractionBetweenWholeCounts_RoundsToNearest(int n, int expectedValidation)
    {
        var data = Dataset(n, 10);

        var split = DatasetSplit.Create(data, 0.25, 9478);

        Assert.Equal(expectedValidation, split.Validation.Sum(s => s.Count));
        Assert.Equal(n - expectedValidation, split.Train.Sum(s => s.Count));
    }

    [Fact]
    public void GroupByClass_GroupsImagesUnderTheirLabel()
    {
        var images = new LabeledImages([10, 11, 20, 21, 30, 31, 40, 41], [3, 1, 3, 5], 1, 2);

        var groups = DatasetSplit.GroupByClass(images, null);

        Assert.Equal([1, 3, 5], groups.Select(g => g.Label));
        Assert.Equal(new byte[] { 10, 11, 30, 31 }, groups[1].Pixels.ToArray());
        Assert.Equal(new byte[] { 20, 21 }, groups[0].Pixels.ToArray());
    }
}
