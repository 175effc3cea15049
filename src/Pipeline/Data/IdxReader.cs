using System.Buffers.Binary;
using System.IO.Compression;

namespace Siamese.Pipeline.Data;

/// <summary>
/// Reads IDX files (LeCun's MNIST format), raw or gzip-compressed (detected by content, not name):
/// a big-endian magic 0x0000_08_NN (08 = unsigned byte, NN = number of dimensions), one big-endian
/// int32 per dimension, then the bytes.
/// </summary>
/// <remarks>
/// The header's dimensions are checked against <see cref="DataLimits"/> and against the file before the data is
/// allocated: a raw file must be exactly header plus data long; a gzip stream is read only as far as the header
/// promises and must end there.
/// </remarks>
public static class IdxReader
{
    public const int LabelsMagic = 0x00000801;
    public const int ImagesMagic = 0x00000803;

    public static byte[] ReadLabels(string path) => Read(path, LabelsMagic).Data;

    public static (byte[] Pixels, int Rows, int Columns) ReadImages(string path)
    {
        var (dims, data) = Read(path, ImagesMagic);
        return (data, dims[1], dims[2]);
    }

    private static (int[] Dims, byte[] Data) Read(string path, int expectedMagic)
    {
        using var file = RegularFile.OpenRead(path);
        try
        {
            long fileLength = file.Length;
            Span<byte> signature = stackalloc byte[2];
            bool gzip = file.ReadAtLeast(signature, 2, throwOnEndOfStream: false) == 2 && signature[0] == 0x1F && signature[1] == 0x8B;
            file.Position = 0;
            using var content = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : (Stream)file;
            var dims = ReadHeader(path, content, expectedMagic);
            long expected = DataLength(path, dims, expectedMagic);
            int headerLength = 4 + (4 * dims.Length);
            if (!gzip && fileLength - headerLength != expected)
            {
                long actual = fileLength - headerLength;
                throw new DataFormatException(
                    path,
                    actual < expected
                        ? $"truncated: header declares {Shape(dims)} = {expected} bytes of data but the file holds {actual}"
                        : $"{actual - expected} unexpected trailing bytes after {Shape(dims)} = {expected} bytes of data");
            }

            if (gzip && headerLength + expected > fileLength * DataLimits.MaxDeflateRatio)
            {
                throw new DataFormatException(
                    path,
                    $"header declares {Shape(dims)} = {expected} bytes of data, more than a {fileLength}-byte gzip file can hold (deflate expands at most {DataLimits.MaxDeflateRatio}:1)");
            }

            var data = new byte[expected];
            int read = content.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
            if (read < data.Length)
            {
                throw new DataFormatException(path, $"truncated: header declares {Shape(dims)} = {expected} bytes of data but the file holds {read}");
            }

            if (content.ReadByte() >= 0)
            {
                throw new DataFormatException(path, $"unexpected trailing bytes after {Shape(dims)} = {expected} bytes of data");
            }

            return (dims, data);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"corrupt gzip stream ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw new DataFormatException(path, $"cannot be read ({e.Message})", e);
        }
    }

    private static int[] ReadHeader(string path, Stream content, int expectedMagic)
    {
        int rank = expectedMagic & 0xFF;
        var header = new byte[4 + (4 * rank)];
        int read = content.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read < 4)
        {
            throw new DataFormatException(path, $"truncated: {read} bytes, too short for an IDX header");
        }

        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != expectedMagic)
        {
            throw new DataFormatException(
                path,
                $"wrong magic number 0x{magic:X8}, expected 0x{expectedMagic:X8} ({(expectedMagic == ImagesMagic ? "IDX images" : "IDX labels")})");
        }

        if (read < header.Length)
        {
            throw new DataFormatException(path, $"truncated: {read} bytes, header needs {header.Length}");
        }

        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 + (4 * i)));
            if (dims[i] < 1)
            {
                throw new DataFormatException(path, $"dimension {i} is {dims[i]}; every dimension must be at least 1");
            }
        }

        return dims;
    }

    /// <summary>The data's byte count, once every dimension is within <see cref="DataLimits"/>.</summary>
    private static long DataLength(string path, int[] dims, int magic)
    {
        if (dims[0] > DataLimits.MaxImages)
        {
            throw new DataFormatException(path, $"header declares {dims[0]} {(magic == ImagesMagic ? "images" : "labels")}; at most {DataLimits.MaxImages} are accepted");
        }

        if (magic == ImagesMagic && (dims[1] > DataLimits.MaxSide || dims[2] > DataLimits.MaxSide))
        {
            throw new DataFormatException(path, $"header declares images of {dims[1]}x{dims[2]} pixels; rows and columns of at most {DataLimits.MaxSide} are accepted");
        }

        long count = 1;
        foreach (int d in dims)
        {
            count = checked(count * d);
        }

        if (count > DataLimits.MaxDataBytes)
        {
            throw new DataFormatException(path, $"header declares {Shape(dims)} = {count} bytes of data; at most {DataLimits.MaxDataBytes} are accepted");
        }

        return count;
    }

    private static string Shape(int[] dims) => string.Join('x', dims);
}
