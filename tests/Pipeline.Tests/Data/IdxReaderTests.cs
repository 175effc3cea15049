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

    // Sizes from the header are checked before anything is allocated (DataLimits).
    [Theory]
    [InlineData(1 << 30, 1 << 30, 16, "1073741824 images")] // the product wraps to 0 in 64-bit arithmetic
    [InlineData(0, 28, 28, "dimension 0 is 0")]
    [InlineData(10, 0, 28, "dimension 1 is 0")]
    [InlineData(10, 28, -1, "dimension 2 is -1")]
    [InlineData(10, 1025, 28, "1025x28 pixels")]
    [InlineData(10_000_001, 1, 1, "10000001 images")]
    [InlineData(1_000_000, 1024, 1024, "bytes of data; at most 536870912")]
    public void ReadImages_DimensionsOutsideLimits_RefusedNamingThem(int count, int rows, int columns, string expected)
    {
        using var fx = new MnistFixtures();
        File.WriteAllBytes(fx.PathOf("img"), MnistFixtures.IdxHeader(IdxReader.ImagesMagic, count, rows, columns));

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(fx.PathOf("img")));

        Assert.Contains(expected, e.Message);
        Assert.Equal(fx.PathOf("img"), e.FilePath);
    }

    [Fact]
    public void ReadImages_LargestSideAccepted_Loads()
    {
        using var fx = new MnistFixtures();
        File.WriteAllBytes(fx.PathOf("img"), MnistFixtures.Idx(IdxReader.ImagesMagic, 1, DataLimits.MaxSide, DataLimits.MaxSide));

        var (pixels, rows, columns) = IdxReader.ReadImages(fx.PathOf("img"));

        Assert.Equal((DataLimits.MaxSide * DataLimits.MaxSide, DataLimits.MaxSide, DataLimits.MaxSide), (pixels.Length, rows, columns));
    }

    [Fact]
    public void LoadIdxPair_DimensionsWrappingToZero_RefusedInsteadOfDividingByZero()
    {
        using var fx = new MnistFixtures();
        File.WriteAllBytes(fx.PathOf("img"), MnistFixtures.IdxHeader(IdxReader.ImagesMagic, 1 << 30, 1 << 30, 16));
        File.WriteAllBytes(fx.PathOf("lbl"), MnistFixtures.IdxLabels(1, 2, 3));

        var e = Assert.Throws<DataFormatException>(() => MnistLoader.LoadIdxPair(fx.PathOf("img"), fx.PathOf("lbl")));

        Assert.Contains("at most 10000000", e.Message);
    }

    [Fact]
    public void ReadLabels_GzipStreamLongerThanHeaderPromises_RefusedAfterReadingOnlyThePromisedBytes()
    {
        using var fx = new MnistFixtures();
        var labels = MnistFixtures.IdxLabels(1, 2, 3);
        File.WriteAllBytes(fx.PathOf("bomb.gz"), MnistFixtures.GzipWithZeros(labels, 256L << 20));
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(fx.PathOf("bomb.gz")));

        Assert.Contains("trailing", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the reader allocated what the stream holds, not what the header promises");
    }

    [Fact]
    public void ReadLabels_GzipHeaderPromisingMoreThanDeflateCanHold_RefusedBeforeReading()
    {
        using var fx = new MnistFixtures();
        File.WriteAllBytes(fx.PathOf("small.gz"), MnistFixtures.Gzip(MnistFixtures.IdxHeader(IdxReader.LabelsMagic, DataLimits.MaxImages)));
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(fx.PathOf("small.gz")));

        Assert.Contains("deflate expands at most 1032:1", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the promised 10 MB were allocated before the check");
    }

    [Fact]
    public void ReadLabels_GzipStreamShorterThanHeaderPromises_ThrowsTruncated()
    {
        using var fx = new MnistFixtures();
        var labels = MnistFixtures.IdxLabels([.. Enumerable.Range(0, 100).Select(i => (byte)(i % 10))]);
        File.WriteAllBytes(fx.PathOf("short.gz"), MnistFixtures.Gzip(labels[..^10]));

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(fx.PathOf("short.gz")));

        Assert.Contains("truncated: header declares 100 = 100 bytes of data but the file holds 90", e.Message);
    }

    [Fact]
    public void ReadLabels_GzipWithTrailingBytes_Refused()
    {
        using var fx = new MnistFixtures();
        File.WriteAllBytes(fx.PathOf("long.gz"), MnistFixtures.Gzip([.. MnistFixtures.IdxLabels(1, 2), 9]));

        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(fx.PathOf("long.gz")));

        Assert.Contains("trailing", e.Message);
    }
}
