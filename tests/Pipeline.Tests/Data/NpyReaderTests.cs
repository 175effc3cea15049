using Siamese.Pipeline.Data;

namespace Siamese.Pipeline.Tests.Data;

public sealed class NpyReaderTests
{
    [Fact]
    public void Parse_CArray_ReturnsShapeAndData()
    {
        var data = Enumerable.Range(0, 24).Select(i => (byte)i).ToArray();

        var array = NpyReader.Parse(MnistFixtures.Npy("|u1", false, [2, 3, 4], data), "x");

        Assert.Equal([2, 3, 4], array.Shape);
        Assert.Equal(data, array.Data);
    }

    [Fact]
    public void Parse_FortranOrder_TransposesToCOrder()
    {
        // C-order matrix [[0,1,2],[3,4,5]] stored column-major is 0,3,1,4,2,5.
        var array = NpyReader.Parse(MnistFixtures.Npy("|u1", true, [2, 3], [0, 3, 1, 4, 2, 5]), "x");

        Assert.Equal(new byte[] { 0, 1, 2, 3, 4, 5 }, array.Data);
    }

    [Fact]
    public void Parse_WrongDtype_ThrowsNamingDtype()
    {
        var e = Assert.Throws<DataFormatException>(() => NpyReader.Parse(MnistFixtures.Npy("<f4", false, [1], [0, 0, 0, 0]), "arr.npy"));

        Assert.Contains("arr.npy", e.Message);
        Assert.Contains("<f4", e.Message);
    }

    [Fact]
    public void Parse_TruncatedData_Throws()
    {
        var bytes = MnistFixtures.Npy("|u1", false, [10], new byte[10]);

        var e = Assert.Throws<DataFormatException>(() => NpyReader.Parse(bytes[..^3], "arr.npy"));

        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Parse_NotNpy_Throws()
    {
        Assert.Throws<DataFormatException>(() => NpyReader.Parse("hello world, not numpy"u8.ToArray(), "x"));
    }

    [Fact]
    public void ReadNpz_MissingArray_ThrowsNamingArray()
    {
        using var fx = new MnistFixtures();
        var arrays = MnistFixtures.MnistLikeArrays(20, 10);
        arrays.Remove("y_test");
        File.WriteAllBytes(fx.PathOf("mnist.npz"), MnistFixtures.Npz(arrays));

        var e = Assert.Throws<DataFormatException>(() => MnistLoader.LoadNpz(fx.PathOf("mnist.npz")));

        Assert.Contains("'y_test' is missing", e.Message);
        Assert.Contains("mnist.npz", e.Message);
    }

    [Fact]
    public void ReadNpz_NotAZip_Throws()
    {
        using var fx = new MnistFixtures();
        File.WriteAllText(fx.PathOf("mnist.npz"), "not a zip");

        var e = Assert.Throws<DataFormatException>(() => MnistLoader.LoadNpz(fx.PathOf("mnist.npz")));

        Assert.Contains("not a valid .npz", e.Message);
    }

    // Sizes from the .npy header and the zip entry are checked before anything is allocated (DataLimits).
    [Fact]
    public void Parse_ShapeProductOverflowingLong_Refused()
    {
        // 2^30 · 2^30 · 16 = 2^64: unchecked, the byte count wraps to 0 and an empty payload "fits".
        var bytes = MnistFixtures.Npy("|u1", false, [1 << 30, 1 << 30, 16], []);

        var e = Assert.Throws<DataFormatException>(() => NpyReader.Parse(bytes, "arr.npy"));

        Assert.Contains("declares more than the 536870912 bytes", e.Message);
    }

    [Fact]
    public void Parse_ShapeOverDataLimit_RefusedBeforeAllocating()
    {
        var bytes = MnistFixtures.Npy("|u1", false, [1 << 20, 1 << 10], []);
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<DataFormatException>(() => NpyReader.Parse(bytes, "arr.npy"));

        Assert.Contains("declares more than", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Theory]
    [InlineData(0xFFFFFFF0u)]
    [InlineData((uint)DataLimits.MaxNpyHeaderLength + 1)]
    public void Parse_VersionTwoHeaderLengthOverLimit_Refused(uint headerLength)
    {
        var bytes = VersionTwo(MnistFixtures.Npy("|u1", false, [4], [1, 2, 3, 4]), headerLength);

        var e = Assert.Throws<DataFormatException>(() => NpyReader.Parse(bytes, "arr.npy"));

        Assert.Contains($".npy header length {headerLength} exceeds the 65536 bytes accepted", e.Message);
    }

    [Fact]
    public void Parse_VersionTwoHeader_Reads()
    {
        var v1 = MnistFixtures.Npy("|u1", false, [4], [1, 2, 3, 4]);
        var bytes = VersionTwo(v1, BitConverter.ToUInt16(v1, 8));

        Assert.Equal(new byte[] { 1, 2, 3, 4 }, NpyReader.Parse(bytes, "arr.npy").Data);
    }

    [Fact]
    public void Parse_TrailingBytes_Refused()
    {
        var bytes = MnistFixtures.Npy("|u1", false, [4], [1, 2, 3, 4]);

        var e = Assert.Throws<DataFormatException>(() => NpyReader.Parse([.. bytes, 0, 0], "arr.npy"));

        Assert.Contains("2 unexpected trailing bytes", e.Message);
    }

    [Fact]
    public void ReadNpz_EntryLongerThanShapeNeeds_RefusedBeforeDecompressingIt()
    {
        using var fx = new MnistFixtures();
        var arrays = MnistFixtures.MnistLikeArrays(12, 6);
        File.WriteAllBytes(fx.PathOf("mnist.npz"), NpzWithZerosAfter(arrays, "x_train", 256L << 20));
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<DataFormatException>(() => MnistLoader.LoadNpz(fx.PathOf("mnist.npz")));

        Assert.Contains("[x_train.npy]", e.Message);
        Assert.Contains("268435456 unexpected trailing bytes", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
    }

    [Fact]
    public void ReadNpz_ShapePromisingMoreThanTheEntryHolds_RefusedBeforeAllocating()
    {
        using var fx = new MnistFixtures();
        var arrays = MnistFixtures.MnistLikeArrays(12, 6);
        arrays["x_train"] = MnistFixtures.Npy("|u1", false, [1 << 20, 16, 16], new byte[12 * 16 * 16]);
        File.WriteAllBytes(fx.PathOf("mnist.npz"), MnistFixtures.Npz(arrays));
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<DataFormatException>(() => MnistLoader.LoadNpz(fx.PathOf("mnist.npz")));

        Assert.Contains("truncated: shape (1048576, 16, 16) needs 268435456 bytes of data, found 3072", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the 256 MiB the shape promises were allocated before the check");
    }

    [Theory]
    [InlineData("x_train", new[] { 0, 4, 4 }, "holds 0 images")]
    [InlineData("x_train", new[] { 10_000_001, 1, 1 }, "holds 10000001 images")]
    [InlineData("x_test", new[] { 2, 1025, 1 }, "1025x1 pixels")]
    [InlineData("y_train", new[] { 0 }, "holds 0 labels")]
    [InlineData("y_test", new[] { 4, 1 }, "'y_test' has shape (4, 1); expected (count,)")]
    public void LoadNpz_ShapeOutsideLimits_RefusedNamingTheArray(string name, int[] shape, string expected)
    {
        using var fx = new MnistFixtures();
        var arrays = MnistFixtures.MnistLikeArrays(12, 6);
        arrays[name] = MnistFixtures.Npy("|u1", false, shape, []);
        File.WriteAllBytes(fx.PathOf("mnist.npz"), MnistFixtures.Npz(arrays));

        var e = Assert.Throws<DataFormatException>(() => MnistLoader.LoadNpz(fx.PathOf("mnist.npz")));

        Assert.Contains(expected, e.Message);
    }

    /// <summary>The same array with a version 2.0 preamble (a 4-byte header length) declaring <paramref name="headerLength"/>.</summary>
    private static byte[] VersionTwo(byte[] v1, uint headerLength)
    {
        var bytes = new byte[v1.Length + 2];
        v1.AsSpan(0, 8).CopyTo(bytes);
        bytes[6] = 2;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), headerLength);
        v1.AsSpan(10).CopyTo(bytes.AsSpan(12));
        return bytes;
    }

    /// <summary>An npz whose <paramref name="bombed"/> entry holds its valid array followed by <paramref name="zeros"/> zero bytes.</summary>
    private static byte[] NpzWithZerosAfter(Dictionary<string, byte[]> arrays, string bombed, long zeros)
    {
        using var buffer = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in arrays)
            {
                using var stream = zip.CreateEntry(name + ".npy", System.IO.Compression.CompressionLevel.Optimal).Open();
                stream.Write(content);
                var chunk = new byte[1 << 20];
                for (long left = name == bombed ? zeros : 0; left > 0; left -= chunk.Length)
                {
                    stream.Write(chunk, 0, (int)Math.Min(left, chunk.Length));
                }
            }
        }

        return buffer.ToArray();
    }
}
