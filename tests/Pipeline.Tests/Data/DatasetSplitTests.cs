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

    /// <summary>An image set of 30 classes in 6 groups of 5, each class with 20 one-pixel images numbered by class and index.</summary>
    private static List<ImageClass> ImageSetClasses() =>
        [.. Enumerable.Range(0, 30).Select(c => new ImageClass(c, 1, 1, [.. Enumerable.Range(0, 20).Select(i => (byte)((c * 7) + i))], $"g{c / 5}/c{c}", $"g{c / 5}"))];

    [Fact]
    public void Create_ByClass_HoldsOutWholeClassesDisjointlyInTheGivenShares()
    {
        var classes = ImageSetClasses();

        var split = DatasetSplit.Create(classes, SplitKind.Classes, 0.1, 0.2, 5);

        Assert.True(split.ClassesDisjoint);
        Assert.Equal((21, 3, 6), (split.Train.Count, split.Validation.Count, split.Test.Count));
        Assert.Equal(classes.Select(c => c.Label).Order(), split.Train.Concat(split.Validation).Concat(split.Test).Select(c => c.Label).Order());
        Assert.All(split.Test, c => Assert.Equal(20, c.Count));
    }

    [Fact]
    public void Create_ByGroup_KeepsEveryGroupWhole()
    {
        var split = DatasetSplit.Create(ImageSetClasses(), SplitKind.Groups, 0.2, 0.2, 6);

        string[] Groups(IReadOnlyList<ImageClass> part) => [.. part.Select(c => c.Group!).Distinct()];
        Assert.True(split.ClassesDisjoint);
        Assert.Equal((4, 1, 1), (Groups(split.Train).Length, Groups(split.Validation).Length, Groups(split.Test).Length));
        Assert.Empty(Groups(split.Train).Intersect(Groups(split.Test).Concat(Groups(split.Validation))));
        Assert.Equal(5, split.Test.Count);
    }

    [Fact]
    public void Create_ByClassSameSeed_SameSplitOtherSeed_Another()
    {
        var classes = ImageSetClasses();

        int[] Test(int seed) => [.. DatasetSplit.Create(classes, SplitKind.Classes, 0.1, 0.2, seed).Test.Select(c => c.Label)];

        Assert.Equal(Test(11), Test(11));
        Assert.NotEqual(Test(11), Test(12));
    }

    [Fact]
    public void Create_ByImage_EveryClassInTrainingWithTwoImagesAtLeast()
    {
        var classes = ImageSetClasses();
        classes.Add(new ImageClass(30, 1, 1, [1, 2, 3], "small", "g9"));

        var split = DatasetSplit.Create(classes, SplitKind.Images, 0.5, 0.4, 3);

        Assert.Equal(31, split.Train.Count);
        Assert.Equal(2, split.Train.Single(c => c.Name == "small").Count);
        Assert.Equal((2, 10, 8), (split.Train[0].Count, split.Validation[0].Count, split.Test[0].Count));
        var original = classes[0].Pixels.ToArray().Order();
        Assert.Equal(original, split.Train[0].Pixels.ToArray().Concat(split.Validation[0].Pixels.ToArray()).Concat(split.Test[0].Pixels.ToArray()).Order());
    }

    [Fact]
    public void ByClass_Mnist_TestDigitsFromTheTestFileOthersFromTheTrainingFile()
    {
        var data = Dataset(300, 10);

        var split = DatasetSplit.ByClass(data, 0.1, 0.2, 4);

        Assert.True(split.ClassesDisjoint);
        Assert.Equal((7, 1, 2), (split.Train.Count, split.Validation.Count, split.Test.Count));
        Assert.Equal(data.Test.Labels.Count(l => split.Test.Select(c => c.Label).Contains(l)), split.Test.Sum(c => c.Count));
    }
}
