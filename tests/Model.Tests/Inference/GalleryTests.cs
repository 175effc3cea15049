namespace Siamese.Model.Tests;

/// <summary>
/// <see cref="Gallery"/> on a small trained contrastive model, whose similarity of an image with itself is 1 and of two
/// different images below 1: so a copy of an enrolled image is known, with its class, whatever the training did.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class GalleryTests : IDisposable
{
    private const int Size = TrainedRun.InputSize;

    private readonly TrainedRun _run = TrainedRun.Create(TrainedRun.Small(TowerKind.Mlp, SimilarityKind.Contrastive), steps: 4);

    private SiameseModel Model => _run.Trainer.Model;

    public void Dispose() => _run.Dispose();

    private static byte[] Images(int count, int seed) => TrainedRun.RandomPixels(count, seed);

    private static ReadOnlySpan<byte> Image(byte[] images, int index) => images.AsSpan(index * Size, Size);

    [Fact]
    public void ClassSimilarities_SeveralImagesPerClass_EachClassScoresItsBestImage()
    {
        var a = Images(3, 1);
        var b = Images(2, 2);
        var queries = Images(4, 3);
        var gallery = new Gallery(Model, threshold: 0.5);
        gallery.Enrol("a", a);
        gallery.Enrol("b", b);

        var scores = gallery.ClassSimilarities(queries);

        Assert.Equal(["a", "b"], gallery.Classes);
        Assert.Equal(5, gallery.ImageCount);
        for (int q = 0; q < 4; q++)
        {
            var query = Image(queries, q).ToArray();
            float Best(byte[] images, int count) => Enumerable.Range(0, count).Max(i => Model.Similarity(query, Image(images, i)));
            Assert.Equal(Best(a, 3), scores[q, 0], 1e-5f);
            Assert.Equal(Best(b, 2), scores[q, 1], 1e-5f);
        }
    }

    [Fact]
    public void Identify_CopyOfAnEnrolledImage_KnownAsItsClassWithTheRunnerUp()
    {
        var images = Images(3, 4);
        var gallery = new Gallery(Model, threshold: 0.999);
        gallery.Enrol("first", Image(images, 0));
        gallery.Enrol("second", Image(images, 1));
        gallery.Enrol("third", Image(images, 2));

        var answer = gallery.Identify(Image(images, 1));

        Assert.Equal("second", answer.Class);
        Assert.Equal(1f, answer.Similarity, 1e-6f);
        Assert.False(answer.IsUnknown);
        var others = new[] { 0, 2 }.Select(i => (Name: i == 0 ? "first" : "third", Similarity: Model.Similarity(Image(images, 1), Image(images, i)))).MaxBy(x => x.Similarity);
        Assert.Equal(others.Name, answer.RunnerUp);
        Assert.Equal(others.Similarity, answer.RunnerUpSimilarity, 1e-5f);
    }

    [Fact]
    public void Identify_BestSimilarityNotAboveTheThreshold_Unknown()
    {
        var enrolled = Images(2, 5);
        var stranger = Images(1, 6);
        var probe = new Gallery(Model, threshold: 0.5);
        probe.Enrol("x", Image(enrolled, 0));
        probe.Enrol("y", Image(enrolled, 1));
        float best = probe.Identify(stranger).Similarity;
        Assert.Equal(Math.Max(Model.Similarity(stranger, Image(enrolled, 0)), Model.Similarity(stranger, Image(enrolled, 1))), best, 1e-5f);
        Assert.True(best < 0.999f, $"the stranger is {best} like an enrolled image");

        var strict = new Gallery(Model, threshold: (best + 1) / 2);
        var lenient = new Gallery(Model, threshold: best - 0.01);
        var exact = new Gallery(Model, threshold: best);
        foreach (var gallery in new[] { strict, lenient, exact })
        {
            gallery.Enrol("x", Image(enrolled, 0));
            gallery.Enrol("y", Image(enrolled, 1));
        }

        Assert.True(strict.Identify(stranger).IsUnknown);
        Assert.False(strict.Identify(Image(enrolled, 0)).IsUnknown);
        Assert.False(lenient.Identify(stranger).IsUnknown);
        Assert.True(exact.Identify(stranger).IsUnknown);   // known only above the threshold, as a pair is "same"
    }

    [Fact]
    public void Identify_EqualScores_TheClassEnrolledFirstWins()
    {
        var image = Images(1, 7);
        var gallery = new Gallery(Model, threshold: 0.5);
        gallery.Enrol("zeta", image);
        gallery.Enrol("alpha", image);

        var answer = gallery.Identify(image);

        Assert.Equal("zeta", answer.Class);
        Assert.Equal("alpha", answer.RunnerUp);
        Assert.Equal(answer.Similarity, answer.RunnerUpSimilarity);
    }

    [Fact]
    public void Identify_OneClass_HasNoRunnerUp()
    {
        var images = Images(2, 8);
        var gallery = new Gallery(Model, threshold: 0.5);
        gallery.Enrol("only", images);

        var answer = gallery.Identify(Image(images, 0));

        Assert.Null(answer.RunnerUp);
        Assert.True(float.IsNaN(answer.RunnerUpSimilarity));
    }

    [Fact]
    public void EnrolAndIdentify_BadArguments_Refused()
    {
        var gallery = new Gallery(Model, threshold: 0.5);

        Assert.Throws<InvalidOperationException>(() => gallery.Identify(Images(1, 9)));
        Assert.Throws<ArgumentException>(() => gallery.Enrol("x", new byte[Size + 1]));
        Assert.Throws<ArgumentException>(() => gallery.Enrol("x", []));
        Assert.Throws<ArgumentException>(() => gallery.Enrol(" ", Images(1, 9)));
        gallery.Enrol("x", Images(1, 9));
        Assert.Throws<ArgumentException>(() => gallery.Identify(Images(2, 9)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Gallery(Model, double.NaN));
    }
}
