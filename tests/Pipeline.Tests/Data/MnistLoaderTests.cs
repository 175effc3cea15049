using Siamese.Pipeline.Data;

namespace Siamese.Pipeline.Tests.Data;

public sealed class MnistLoaderTests
{
    [Fact]
    public void TryLoad_Npz_LoadsBothSets()
    {
        using var fx = new MnistFixtures();
        File.WriteAllBytes(fx.PathOf("mnist.npz"), MnistFixtures.Npz(MnistFixtures.MnistLikeArrays(30, 20)));

        var data = MnistLoader.TryLoad(fx.Directory)!;

        Assert.Equal((30, 20, 4, 4), (data.Train.Count, data.Test.Count, data.Train.Rows, data.Train.Columns));
        Assert.Equal((byte)7, data.Train.Labels[17]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TryLoad_IdxFiles_LoadsRawOrGzip(bool gzip)
    {
        using var fx = new MnistFixtures();
        fx.WriteIdxSet(train: 40, test: 12, gzip);

        var data = MnistLoader.TryLoad(fx.Directory)!;

        Assert.Equal((40, 12), (data.Train.Count, data.Test.Count));
        Assert.True(MnistLoader.IsPresent(fx.Directory));
    }

    [Fact]
    public void TryLoad_EmptyFolder_ReturnsNull()
    {
        using var fx = new MnistFixtures();

        Assert.Null(MnistLoader.TryLoad(fx.Directory));
        Assert.False(MnistLoader.IsPresent(fx.Directory));
    }

    [Fact]
    public void TryLoad_CountMismatch_ThrowsNamingBothFiles()
    {
        using var fx = new MnistFixtures();
        fx.WriteIdxSet(train: 40, test: 12);
        File.WriteAllBytes(fx.PathOf(MnistFiles.TrainLabels), MnistFixtures.IdxLabels(1, 2, 3));

        var e = Assert.Throws<DataFormatException>(() => MnistLoader.TryLoad(fx.Directory));

        Assert.Contains(MnistFiles.TrainImages, e.Message);
        Assert.Contains("40 images", e.Message);
        Assert.Contains("3 labels", e.Message);
    }

    [Fact]
    public void TryLoad_LabelOutOfRange_Throws()
    {
        using var fx = new MnistFixtures();
        fx.WriteIdxSet(train: 3, test: 12);
        File.WriteAllBytes(fx.PathOf(MnistFiles.TrainLabels), MnistFixtures.IdxLabels(1, 12, 3));

        var e = Assert.Throws<DataFormatException>(() => MnistLoader.TryLoad(fx.Directory));

        Assert.Contains("label 12 at index 1 is outside 0-9", e.Message);
    }

    // MNIST labels are 0–9: 9 is the last label accepted and 10 the first refused, in both formats.
    [Fact]
    public void TryLoad_IdxLabelNine_Loads()
    {
        using var fx = IdxSetWithTrainLabels(1, 9, 3);

        var data = MnistLoader.TryLoad(fx.Directory)!;

        Assert.Equal(9, data.Train.Labels[1]);
    }

    [Fact]
    public void TryLoad_IdxLabelTen_Throws()
    {
        using var fx = IdxSetWithTrainLabels(1, 10, 3);

        var e = Assert.Throws<DataFormatException>(() => MnistLoader.TryLoad(fx.Directory));

        Assert.Contains("label 10 at index 1 is outside 0-9", e.Message);
    }

    [Fact]
    public void LoadNpz_LabelNine_Loads()
    {
        using var fx = NpzWithTrainLabels(1, 9, 3);

        var data = MnistLoader.LoadNpz(fx.PathOf("mnist.npz"));

        Assert.Equal(9, data.Train.Labels[1]);
    }

    [Fact]
    public void LoadNpz_LabelTen_ThrowsNamingTheArray()
    {
        using var fx = NpzWithTrainLabels(1, 10, 3);

        var e = Assert.Throws<DataFormatException>(() => MnistLoader.LoadNpz(fx.PathOf("mnist.npz")));

        Assert.Contains("[y_train]", e.Message);
        Assert.Contains("label 10 at index 1 is outside 0-9", e.Message);
    }

    [Fact]
    public void LoadNpz_WrongShape_Throws()
    {
        using var fx = new MnistFixtures();
        var arrays = MnistFixtures.MnistLikeArrays(10, 10);
        arrays["x_train"] = MnistFixtures.Npy("|u1", false, [10, 16], new byte[160]);
        File.WriteAllBytes(fx.PathOf("mnist.npz"), MnistFixtures.Npz(arrays));

        var e = Assert.Throws<DataFormatException>(() => MnistLoader.LoadNpz(fx.PathOf("mnist.npz")));

        Assert.Contains("'x_train' has shape (10, 16)", e.Message);
    }

    private static MnistFixtures IdxSetWithTrainLabels(params byte[] labels)
    {
        var fx = new MnistFixtures();
        fx.WriteIdxSet(train: labels.Length, test: 12);
        File.WriteAllBytes(fx.PathOf(MnistFiles.TrainLabels), MnistFixtures.IdxLabels(labels));
        return fx;
    }

    private static MnistFixtures NpzWithTrainLabels(params byte[] labels)
    {
        var fx = new MnistFixtures();
        var arrays = MnistFixtures.MnistLikeArrays(train: labels.Length, test: 4);
        arrays["y_train"] = MnistFixtures.Npy("|u1", false, [labels.Length], labels);
        File.WriteAllBytes(fx.PathOf("mnist.npz"), MnistFixtures.Npz(arrays));
        return fx;
    }
}
