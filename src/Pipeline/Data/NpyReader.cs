using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Siamese.Pipeline.Data;

/// <summary>An unsigned-byte array read from a NumPy <c>.npy</c> file, in C (row-major) order.</summary>
public sealed record NpyArray(int[] Shape, byte[] Data);

/// <summary>
/// Reads NumPy <c>.npy</c> arrays (format versions 1–3) of dtype uint8, alone or from a <c>.npz</c> zip
/// such as Keras's <c>mnist.npz</c>. The header dictionary is parsed for <c>descr</c>, <c>fortran_order</c>
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

    /// <param name="bytes">The whole .npy content.</param>
    /// <param name="name">Used in error messages.</param>
    public static NpyArray Parse(byte[] bytes, string name)
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

        var dtype = descr.Trim('\'', '"');
        if (dtype is not ("|u1" or "<u1" or ">u1" or "=u1" or "u1" or "B" or "|B"))
        {
            throw new DataFormatException(name, $"dtype '{dtype}' is not supported; expected unsigned 8-bit ('|u1', uint8)");
        }

        bool fortranOrder = fortran switch
        {
            "True" => true,
            "False" => false,
            _ => throw new DataFormatException(name, $"fortran_order '{fortran}' is not True or False"),
        };

        var shape = ParseShape(shapeText, name);
        long count = 1;
        foreach (var d in shape)
        {
            count *= d;
        }

        int dataStart = headerStart + headerLength;
        long available = bytes.Length - dataStart;
        if (available < count)
        {
            throw new DataFormatException(name, $"truncated: shape ({string.Join(", ", shape)}) needs {count} bytes of data, found {available}");
        }

        var data = bytes.AsSpan(dataStart, checked((int)count)).ToArray();
        if (fortranOrder && shape.Length > 1)
        {
            data = FortranToC(data, shape);
        }

        return new NpyArray(shape, data);
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
    private static byte[] FortranToC(byte[] source, int[] shape)
    {
        int rank = shape.Length;
        var fStrides = new long[rank];
        long stride = 1;
        for (int i = 0; i < rank; i++)
        {
            fStrides[i] = stride;
            stride *= shape[i];
        }

        var result = new byte[source.Length];
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
}
