using Siamese.Pipeline.Data;

namespace Siamese.Pipeline.Tests.Data;

public sealed class PairSetTests
{
    private static IReadOnlyList<ImageClass> Classes(int classes, int perClass) =>
        Enumerable.Range(0, classes)
            .Select(d => new ImageClass(d, 1, 2, Enumerable.Range(0, perClass * 2).Select(i => (byte)((d * 10) + (i / 2))).ToArray()))
            .ToArray();

    [Fact]
    public void CreateBalanced_HalfSameHalfDifferent_LabelsMatchDigits()
    {
        var set = PairSet.CreateBalanced(Classes(10, 5), 1000, 7);

        Assert.Equal(500, set.Labels.Count(l => l == 1f));
        for (int i = 0; i < set.Count; i++)
        {
            Assert.Equal(set.Labels[i] == 1f, set.LeftDigit(i) == set.RightDigit(i));
            Assert.Equal(i < 500, set.Labels[i] == 1f);
        }
    }

    [Fact]
    public void CreateBalanced_SamePairs_UseTwoDistinctImages()
    {
        var set = PairSet.CreateBalanced(Classes(3, 2), 200, 1);

        for (int i = 0; i < 100; i++)
        {
            Assert.NotEqual(set.LeftImage(i).ToArray(), set.RightImage(i).ToArray());
        }
    }

    [Fact]
    public void CreateBalanced_SameSeed_SamePairs()
    {
        var a = PairSet.CreateBalanced(Classes(10, 5), 300, 11);
        var b = PairSet.CreateBalanced(Classes(10, 5), 300, 11);
        var c = PairSet.CreateBalanced(Classes(10, 5), 300, 12);

        var pa = Enumerable.Range(0, 300).Select(i => (a.LeftImage(i)[0], a.RightImage(i)[0])).ToArray();
        Assert.Equal(pa, Enumerable.Range(0, 300).Select(i => (b.LeftImage(i)[0], b.RightImage(i)[0])));
        Assert.NotEqual(pa, Enumerable.Range(0, 300).Select(i => (c.LeftImage(i)[0], c.RightImage(i)[0])));
    }

    [Fact]
    public void AllImages_EveryClassInOrder_RawPixelsWithEachClassStart()
    {
        var classes = Classes(2, 3);
        var set = PairSet.CreateBalanced(classes, 4, 3);

        var (images, classStart) = set.AllImages;

        Assert.Equal([0, 3], classStart);
        Assert.Equal(6 * set.ImageSize, images.Length);
        Assert.Equal(classes[1].Image(2).ToArray(), images.AsSpan(5 * set.ImageSize, set.ImageSize).ToArray());
        var (c, i) = set.LeftRef(3);
        Assert.Equal(set.LeftImage(3).ToArray(), images.AsSpan((classStart[c] + i) * set.ImageSize, set.ImageSize).ToArray());
    }
}
