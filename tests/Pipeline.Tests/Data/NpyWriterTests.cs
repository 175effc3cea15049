using System.Buffers.Binary;
using System.Text;
using Siamese.Pipeline.Data;

namespace Siamese.Pipeline.Tests.Data;

public sealed class NpyWriterTests
{
    [Fact]
    public void Write_Float32Matrix_RoundTripsThroughNpyReader()
    {
        float[] data = [0f, -1.5f, float.MaxValue, float.Epsilon, 3.25f, float.NaN];
        using var stream = new MemoryStream();

        NpyWriter.Write(stream, data, 3, 2);
        var array = NpyReader.ParseFloat32(stream.ToArray(), "embeddings.npy");

        Assert.Equal([3, 2], array.Shape);
        Assert.Equal(data.Select(BitConverter.SingleToInt32Bits), array.Data.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Write_UInt8Vector_RoundTripsThroughNpyReader()
    {
        byte[] labels = [7, 2, 1, 0, 255];
        using var stream = new MemoryStream();

        NpyWriter.Write(stream, labels, labels.Length);
        var array = NpyReader.Parse(stream.ToArray(), "labels.npy");

        Assert.Equal([5], array.Shape);
        Assert.Equal(labels, array.Data);
    }

    /// <summary>The layout NumPy's format 1.0 specifies, byte for byte, for a [10000, 128] float32 array.</summary>
    [Fact]
    public void Header_Float32Matrix_IsTheVersion1LayoutPaddedTo64()
    {
        var header = NpyWriter.Header(NpyWriter.Float32, [10000, 128]);

        const string Dictionary = "{'descr': '<f4', 'fortran_order': False, 'shape': (10000, 128), }";
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, header[..8]);
        int length = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8));
        Assert.Equal(header.Length - 10, length);
        Assert.Equal(128, header.Length);
        var text = Encoding.ASCII.GetString(header, 10, length);
        Assert.StartsWith(Dictionary, text, StringComparison.Ordinal);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.All(text[Dictionary.Length..^1], c => Assert.Equal(' ', c));
    }

    [Theory]
    [InlineData(new[] { 5 }, "(5,)")]
    [InlineData(new[] { 0, 3 }, "(0, 3)")]
    [InlineData(new[] { 2, 3, 4 }, "(2, 3, 4)")]
    public void Header_AnyShape_WritesPythonTupleAndAlignsDataTo64(int[] shape, string tuple)
    {
        var header = NpyWriter.Header(NpyWriter.UInt8, shape);

        Assert.Equal(0, header.Length % NpyWriter.Alignment);
        Assert.Contains($"'shape': {tuple}, }}", Encoding.ASCII.GetString(header), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_CountNotMatchingShape_Throws()
    {
        using var stream = new MemoryStream();

        Assert.Throws<ArgumentException>(() => NpyWriter.Write(stream, new float[5], 2, 3));
    }

    [Fact]
    public void ParseFloat32_UInt8Array_ThrowsNamingDtype()
    {
        using var stream = new MemoryStream();
        NpyWriter.Write(stream, new byte[3], 3);

        var e = Assert.Throws<DataFormatException>(() => NpyReader.ParseFloat32(stream.ToArray(), "labels.npy"));

        Assert.Contains("'|u1'", e.Message);
    }

    [Fact]
    public void ParseFloat32_FortranOrder_TransposesToCOrder()
    {
        var bytes = MnistFixtures.Npy("<f4", true, [2, 3], [.. new float[] { 0, 3, 1, 4, 2, 5 }.SelectMany(BitConverter.GetBytes)]);

        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, NpyReader.ParseFloat32(bytes, "x").Data);
    }
}
