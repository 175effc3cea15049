using System.Buffers.Binary;
using System.IO.Compression;

namespace Siamese.Pipeline.Data;

/// <summary>
/// Reads IDX files (LeCun's MNIST format), raw or gzip-compressed (detected by content, not name):
/// a big-endian magic 0x0000_08_NN (08 = unsigned byte, NN = number of dimensions), one big-endian
/// int32 per dimension, then the bytes.
/// </summary>
public static class IdxReader
{
    public const int LabelsMagic = 0x00000801;
    public const int ImagesMagic = 0x00000803;

    public static byte[] ReadLabels(string path) => Read(path, LabelsMagic).Data;

    public static (byte[] Pixels, int Rows, int Columns) ReadImages(string path)
    {
        var (dims, data) = Read(path, ImagesMagic);
        if (dims[1] <= 0 || dims[2] <= 0)
        {
            throw new DataFormatException(path, $"image dimensions {dims[1]}x{dims[2]} are not positive");
        }

        return (data, dims[1], dims[2]);
    }

    private static (int[] Dims, byte[] Data) Read(string path, int expectedMagic)
    {
        byte[] bytes;
        try
        {
            bytes = ReadAllBytesMaybeGzip(path);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"corrupt gzip stream ({e.Message})", e);
        }

        if (bytes.Length < 4)
        {
            throw new DataFormatException(path, $"truncated: {bytes.Length} bytes, too short for an IDX header");
        }

        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != expectedMagic)
        {
            throw new DataFormatException(
                path,
                $"wrong magic number 0x{magic:X8}, expected 0x{expectedMagic:X8} ({(expectedMagic == ImagesMagic ? "IDX images" : "IDX labels")})");
        }

        int rank = expectedMagic & 0xFF;
        int headerLength = 4 + (4 * rank);
        if (bytes.Length < headerLength)
        {
            throw new DataFormatException(path, $"truncated: {bytes.Length} bytes, header needs {headerLength}");
        }

        var dims = new int[rank];
        long expected = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + (4 * i)));
            if (dims[i] < 0)
            {
                throw new DataFormatException(path, $"dimension {i} is negative ({dims[i]})");
            }

            expected *= dims[i];
        }

        long actual = bytes.Length - headerLength;
        if (actual != expected)
        {
            throw new DataFormatException(
                path,
                actual < expected
                    ? $"truncated: header declares {string.Join('x', dims)} = {expected} bytes of data but the file holds {actual}"
                    : $"{actual - expected} unexpected trailing bytes after {string.Join('x', dims)} = {expected} bytes of data");
        }

        return (dims, bytes.AsSpan(headerLength).ToArray());
    }

    private static byte[] ReadAllBytesMaybeGzip(string path)
    {
        using var file = File.OpenRead(path);
        int b0 = file.ReadByte();
        int b1 = file.ReadByte();
        file.Position = 0;
        using var buffer = new MemoryStream();
        if (b0 == 0x1F && b1 == 0x8B)
        {
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            gzip.CopyTo(buffer);
        }
        else
        {
            file.CopyTo(buffer);
        }

        return buffer.ToArray();
    }
}
