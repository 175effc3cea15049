using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Siamese.Pipeline.Data;

/// <summary>An unsigned-byte array read from a NumPy <c>.npy</c> file, in C (row-major) order.</summary>
public sealed record NpyArray(int[] Shape, byte[] Data);

/// <summary>A float32 array read from a NumPy <c>.npy</c> file, in C (row-major) order.</summary>
public sealed record NpyFloatArray(int[] Shape, float[] Data);

/// <summary>
/// Reads NumPy <c>.npy</c> arrays (format versions 1–3) of dtype uint8, alone or from a <c>.npz</c> zip
/// such as Keras's <c>mnist.npz</c>, and of dtype float32 (<see cref="ParseFloat32"/>). The header dictionary is parsed for <c>descr</c>, <c>fortran_order</c>
/// and <c>shape</c>; Fortran-ordered arrays are transposed to C order.
/// </summary>
public static class NpyReader
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads the named arrays (without the <c>.npy</c> suffix) from an <c>.npz</c> archive.</summary>
    public static IReadOnlyDictionary<string, NpyArray> ReadNpz(string path, params string[] names)
    {
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"not a valid .npz (zip) archive ({e.Message})", e);
        }

        using (zip)
        {
            var result = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
            foreach (var name in names)
            {
                var entry = zip.GetEntry(name + ".npy") ?? zip.GetEntry(name);
                if (entry is null)
                {
                    var present = string.Join(", ", zip.Entries.Select(e => e.FullName));
                    throw new DataFormatException(path, $"array '{name}' is missing (archive holds: {present})");
                }

                try
                {
                    using var stream = entry.Open();
                    using var buffer = new MemoryStream();
                    stream.CopyTo(buffer);
                    result[name] = Parse(buffer.ToArray(), $"{path}[{entry.FullName}]");
                }
                catch (InvalidDataException e)
                {
                    throw new DataFormatException($"{path}[{entry.FullName}]", $"corrupt zip entry ({e.Message})", e);
                }
            }

            return result;
        }
    }

    public static NpyArray Read(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Reads a float32 (<c>'&lt;f4'</c>) <c>.npy</c> array, such as the <c>embed</c> command's <c>embeddings.npy</c>.</summary>
    public static NpyFloatArray ReadFloat32(string path) => ParseFloat32(File.ReadAllBytes(path), path);

    /// <param name="bytes">The whole .npy content.</param>
    /// <param name="name">Used in error messages.</param>
    public static NpyArray Parse(byte[] bytes, string name)
    {
        var header = ParseHeader(bytes, name);
        if (header.Dtype is not ("|u1" or "<u1" or ">u1" or "=u1" or "u1" or "B" or "|B"))
        {
            throw new DataFormatException(name, $"dtype '{header.Dtype}' is not supported; expected unsigned 8-bit ('|u1', uint8)");
        }

        var data = bytes.AsSpan(header.DataStart, checked((int)header.Data(bytes, name, 1))).ToArray();
        return new NpyArray(header.Shape, header.FortranOrder && header.Shape.Length > 1 ? FortranToC(data, header.Shape) : data);
    }

    /// <summary>A little-endian float32 array (<c>'&lt;f4'</c>), in C order.</summary>
    /// <param name="bytes">The whole .npy content.</param>
    /// <param name="name">Used in error messages.</param>
    public static NpyFloatArray ParseFloat32(byte[] bytes, string name)
    {
        var header = ParseHeader(bytes, name);
        if (header.Dtype is not ("<f4" or "f4" or "<f" or "f") && !(BitConverter.IsLittleEndian && header.Dtype == "=f4"))
        {
            throw new DataFormatException(name, $"dtype '{header.Dtype}' is not supported; expected little-endian float32 ('<f4')");
        }

        long count = header.Data(bytes, name, sizeof(float));
        var data = new float[count];
        var source = bytes.AsSpan(header.DataStart, checked((int)(count * sizeof(float))));
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = BinaryPrimitives.ReadSingleLittleEndian(source.Slice(i * sizeof(float)));
        }

        return new NpyFloatArray(header.Shape, header.FortranOrder && header.Shape.Length > 1 ? FortranToC(data, header.Shape) : data);
    }

    private static Header ParseHeader(byte[] bytes, string name)
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new DataFormatException(name, "not a .npy array (missing \\x93NUMPY magic)");
        }

        int major = bytes[6];
        int headerLength;
        int headerStart;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
            headerStart = 10;
        }
        else if (major is 2 or 3)
        {
            if (bytes.Length < 12)
            {
                throw new DataFormatException(name, "truncated .npy header");
            }

            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
            headerStart = 12;
        }
        else
        {
            throw new DataFormatException(name, $"unsupported .npy format version {major}.{bytes[7]}");
        }

        if ((long)headerStart + headerLength > bytes.Length)
        {
            throw new DataFormatException(name, "truncated .npy header");
        }

        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes, headerStart, headerLength);
        string descr = HeaderValue(header, "descr", name);
        string fortran = HeaderValue(header, "fortran_order", name);
        string shapeText = HeaderValue(header, "shape", name);
        bool fortranOrder = fortran switch
        {
            "True" => true,
            "False" => false,
            _ => throw new DataFormatException(name, $"fortran_order '{fortran}' is not True or False"),
        };

        return new Header(descr.Trim('\'', '"'), fortranOrder, ParseShape(shapeText, name), headerStart + headerLength);
    }

    private static string HeaderValue(string header, string key, string name)
    {
        var match = Regex.Match(header, $@"['""]{key}['""]\s*:\s*(\([^)]*\)|'[^']*'|""[^""]*""|True|False)");
        if (!match.Success)
        {
            throw new DataFormatException(name, $".npy header has no '{key}' entry: {header.Trim()}");
        }

        return match.Groups[1].Value;
    }

    private static int[] ParseShape(string text, string name)
    {
        var inner = text.Trim().TrimStart('(').TrimEnd(')');
        var parts = inner.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shape = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i].TrimEnd('L'), out shape[i]) || shape[i] < 0)
            {
                throw new DataFormatException(name, $"shape {text} is not a tuple of non-negative integers");
            }
        }

        return shape;
    }

    /// <summary>Reorders a column-major (first index fastest) array into row-major (last index fastest).</summary>
    private static T[] FortranToC<T>(T[] source, int[] shape)
    {
        int rank = shape.Length;
        var fStrides = new long[rank];
        long stride = 1;
        for (int i = 0; i < rank; i++)
        {
            fStrides[i] = stride;
            stride *= shape[i];
        }

        var result = new T[source.Length];
        var index = new int[rank];
        for (long c = 0; c < source.Length; c++)
        {
            long f = 0;
            for (int i = 0; i < rank; i++)
            {
                f += index[i] * fStrides[i];
            }

            result[c] = source[f];
            for (int i = rank - 1; i >= 0; i--)
            {
                if (++index[i] < shape[i])
                {
                    break;
                }

                index[i] = 0;
            }
        }

        return result;
    }

    /// <summary>What a header says: dtype, order, shape and where the data starts.</summary>
    private readonly record struct Header(string Dtype, bool FortranOrder, int[] Shape, int DataStart)
    {
        /// <summary>The number of values, checked against the bytes that follow the header.</summary>
        public long Data(byte[] bytes, string name, int valueSize)
        {
            long count = 1;
            foreach (var d in Shape)
            {
                count *= d;
            }

            long available = bytes.Length - DataStart;
            if (available < count * valueSize)
            {
                throw new DataFormatException(name, $"truncated: shape ({string.Join(", ", Shape)}) needs {count * valueSize} bytes of data, found {available}");
            }

            return count;
        }
    }
}
