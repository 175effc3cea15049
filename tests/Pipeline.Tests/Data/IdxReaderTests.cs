using Siamese.Pipeline.Data;

namespace Siamese.Pipeline.Tests.Data;

public sealed class IdxReaderTests
{
    [Fact]
    public void ReadImages_ValidFile_ReturnsPixelsAndShape()
    {
        using var fx = new MnistFixtures();
        var bytes = MnistFixtures.Idx(IdxReader.ImagesMagic, 3, 2, 5);
        File.WriteAllBytes(fx.PathOf("img"), bytes);

        var (pixels, rows, columns) = IdxReader.ReadImages(fx.PathOf("img"));

        Assert.Equal((2, 5), (rows, columns));
        Assert.Equal(bytes.AsSpan(16).ToArray(), pixels);
    }

    [Fact]
    public void ReadImages_GzipFile_ReadsSameAsRaw()
    {
        using var fx = new MnistFixtures();
        var bytes = MnistFixtures.Idx(IdxReader.ImagesMagic, 3, 4, 4);
        File.WriteAllBytes(fx.PathOf("raw"), bytes);
        File.WriteAllBytes(fx.PathOf("zipped.gz"), MnistFixtures.Gzip(bytes));

        Assert.Equal(IdxReader.ReadImages(fx.PathOf("raw")).Pixels, IdxReader.ReadImages(fx.PathOf("zipped.gz")).Pixels);
    }

    [Fact]
    public void ReadImages_WrongMagic_ThrowsNamingFileAndMagic()
    {
        using var fx = new MnistFixtures();
        File.WriteAllBytes(fx.PathOf("labels-not-images"), MnistFixtures.IdxLabels(1, 2, 3));

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(fx.PathOf("labels-not-images")));

        Assert.Contains("labels-not-images", e.Message);
        Assert.Contains("wrong magic number 0x00000801", e.Message);
    }

    [Fact]
    public void ReadImages_Truncated_ThrowsTruncated()
    {
        using var fx = new MnistFixtures();
        var bytes = MnistFixtures.Idx(IdxReader.ImagesMagic, 3, 4, 4);
        File.WriteAllBytes(fx.PathOf("short"), bytes[..^5]);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(fx.PathOf("short")));

        Assert.Contains("truncated", e.Message);
        Assert.Equal(fx.PathOf("short"), e.FilePath);
    }

    [Fact]
    public void ReadLabels_TrailingBytes_Throws()
    {
        using var fx = new MnistFixtures();
        File.WriteAllBytes(fx.PathOf("long"), [.. MnistFixtures.IdxLabels(1, 2), 9, 9]);

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(fx.PathOf("long")));

        Assert.Contains("trailing", e.Message);
    }

    [Fact]
    public void ReadLabels_CorruptGzip_ThrowsDataFormat()
    {
        using var fx = new MnistFixtures();
        var gz = MnistFixtures.Gzip(MnistFixtures.IdxLabels([.. Enumerable.Range(0, 5000).Select(i => (byte)(i % 10))]));
        File.WriteAllBytes(fx.PathOf("bad.gz"), gz[..(gz.Length / 2)]);

        Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(fx.PathOf("bad.gz")));
    }
}
