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
}
