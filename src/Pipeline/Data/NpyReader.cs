using System.Buffers.Binary;
using System.IO.Compression;

namespace Siamese.Pipeline.Data;

/// <summary>An unsigned-byte array read from a NumPy <c>.npy</c> file, in C (row-major) order.</summary>
public sealed record NpyArray(int[] Shape, byte[] Data);

/// <summary>A float32 array read from a .npy file: its shape and its values in C (row-major) order.</summary>
public sealed record NpyFloatArray(int[] Shape, float[] Data);

/// <summary>
/// Reads NumPy <c>.npy</c> arrays (format versions 1–3) of dtype uint8 (float32 through <see cref="ReadFloat32(string)"/>), alone or from a <c>.npz</c> zip
/// such as Keras's <c>mnist.npz</c>. The header dictionary is parsed for <c>descr</c>, <c>fortran_order</c>
/// and <c>shape</c>; Fortran-ordered arrays are transposed to C order.
/// </summary>
/// <remarks>
/// Nothing is allocated from a declared size before it is checked: the header's length is at most
/// <see cref="DataLimits.MaxNpyHeaderLength"/>, the shape's product (in checked arithmetic) at most
/// <see cref="DataLimits.MaxDataBytes"/>, and header plus data must be exactly the length the file (or the zip
/// entry) declares. The data is then read only that far, and the stream must end there.
/// </remarks>
public static class NpyReader
{
    private const int MaxEntriesListed = 10;

    /// <summary>Reads the named arrays (without the <c>.npy</c> suffix) from an <c>.npz</c> archive.</summary>
    public static IReadOnlyDictionary<string, NpyArray> ReadNpz(string path, params string[] names) =>
        ReadNpz(path, names, checkShape: null);

    /// <summary>Reads the named arrays (without the <c>.npy</c> suffix) from an <c>.npz</c> archive.</summary>
    /// <param name="checkShape">
    /// Called with each array's name and shape before its data is read; throws <see cref="DataFormatException"/> to
    /// refuse it.
    /// </param>
    public static IReadOnlyDictionary<string, NpyArray> ReadNpz(string path, IReadOnlyList<string> names, Action<string, int[]>? checkShape)
    {
        ArgumentNullException.ThrowIfNull(names);
        using var file = RegularFile.OpenRead(path);
        using var zip = FromArchive(path, () => new ZipArchive(file, ZipArchiveMode.Read));
        var result = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var entry = FromArchive(path, () => zip.GetEntry(name + ".npy") ?? zip.GetEntry(name));
            if (entry is null)
            {
                var present = string.Join(", ", zip.Entries.Take(MaxEntriesListed).Select(e => e.FullName))
                    + (zip.Entries.Count > MaxEntriesListed ? $" and {zip.Entries.Count - MaxEntriesListed} more" : string.Empty);
                throw new DataFormatException(path, $"array '{name}' is missing (archive holds: {present})");
            }

            var entryName = $"{path}[{entry.FullName}]";
            try
            {
                using var stream = entry.Open();
                result[name] = Read(stream, entry.Length, entryName, checkShape is null ? null : shape => checkShape(name, shape));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
            {
                throw new DataFormatException(entryName, $"corrupt zip entry ({e.Message})", e);
            }
        }

        return result;
    }

    /// <summary>
    /// Runs a read of the archive's structure (.NET reads the central directory lazily, on the first entry lookup),
    /// turning the zip reader's complaints into a <see cref="DataFormatException"/>.
    /// </summary>
    private static T FromArchive<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or NotSupportedException)
        {
            throw new DataFormatException(path, $"not a valid .npz (zip) archive ({e.Message})", e);
        }
    }

    /// <summary>Reads a standalone <c>.npy</c> file.</summary>
    public static NpyArray Read(string path)
    {
        using var file = RegularFile.OpenRead(path);
        try
        {
            return Read(file, file.Length, path, checkShape: null);
        }
        catch (IOException e)
        {
            throw new DataFormatException(path, $"cannot be read ({e.Message})", e);
        }
    }

    /// <param name="bytes">The whole .npy content.</param>
    /// <param name="name">Used in error messages.</param>
    public static NpyArray Parse(byte[] bytes, string name)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var stream = new MemoryStream(bytes, writable: false);
        return Read(stream, bytes.Length, name, checkShape: null);
    }

    /// <summary>Reads a standalone little-endian float32 <c>.npy</c> file (what <c>embed</c> writes).</summary>
    public static NpyFloatArray ReadFloat32(string path)
    {
        using var file = RegularFile.OpenRead(path);
        try
        {
            return ReadFloat32(file, file.Length, path);
        }
        catch (IOException e)
        {
            throw new DataFormatException(path, $"cannot be read ({e.Message})", e);
        }
    }

    /// <summary>A little-endian float32 array (<c>'&lt;f4'</c>), in C order.</summary>
    /// <param name="bytes">The whole .npy content.</param>
    /// <param name="name">Used in error messages.</param>
    public static NpyFloatArray ParseFloat32(byte[] bytes, string name)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var stream = new MemoryStream(bytes, writable: false);
        return ReadFloat32(stream, bytes.Length, name);
    }

    private static NpyFloatArray ReadFloat32(Stream stream, long length, string name)
    {
        var (shape, fortranOrder, bytes) = ReadData(stream, length, name, checkShape: null, sizeof(float), dtype =>
            dtype is "<f4" or "f4" or "<f" or "f" || (BitConverter.IsLittleEndian && dtype == "=f4")
                ? null
                : $"dtype '{dtype}' is not supported; expected little-endian float32 ('<f4')");
        var data = new float[bytes.Length / sizeof(float)];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }

        return new NpyFloatArray(shape, fortranOrder && shape.Length > 1 ? FortranToC(data, shape) : data);
    }

    /// <param name="stream">The .npy content, read forward only.</param>
    /// <param name="length">The content's length as its container declares it (file length, zip entry length).</param>
    /// <param name="name">Used in error messages.</param>
    /// <param name="checkShape">Called with the shape before the data is allocated.</param>
    private static NpyArray Read(Stream stream, long length, string name, Action<int[]>? checkShape)
    {
        var (shape, fortranOrder, data) = ReadData(stream, length, name, checkShape, 1, dtype =>
            dtype is "|u1" or "<u1" or ">u1" or "=u1" or "u1" or "B" or "|B" ? null : $"dtype '{dtype}' is not supported; expected unsigned 8-bit ('|u1', uint8)");
        return new NpyArray(shape, fortranOrder && shape.Length > 1 ? FortranToC(data, shape) : data);
    }

    /// <summary>The header, then exactly the bytes its shape and element size promise, checked against <paramref name="length"/> before they are allocated.</summary>
    /// <param name="dtypeProblem">Why a dtype is refused, or null when it is the one wanted.</param>
    private static (int[] Shape, bool FortranOrder, byte[] Data) ReadData(Stream stream, long length, string name, Action<int[]>? checkShape, int elementSize, Func<string, string?> dtypeProblem)
    {
        var (header, dataStart) = NpyHeader.Read(stream, length, name);
        string descr = NpyHeader.Value(header, "descr", name);
        string fortran = NpyHeader.Value(header, "fortran_order", name);
        string shapeText = NpyHeader.Value(header, "shape", name);

        var dtype = descr.Trim('\'', '"');
        if (dtypeProblem(dtype) is { } problem)
        {
            throw new DataFormatException(name, problem);
        }

        bool fortranOrder = fortran switch
        {
            "True" => true,
            "False" => false,
            _ => throw new DataFormatException(name, $"fortran_order '{fortran}' is not True or False"),
        };

        var shape = NpyHeader.ParseShape(shapeText, name);
        long count = NpyHeader.ByteCount(shape, elementSize, name);
        checkShape?.Invoke(shape);
        long available = length - dataStart;
        if (available != count)
        {
            throw new DataFormatException(
                name,
                available < count
                    ? $"truncated: shape ({string.Join(", ", shape)}) needs {count} bytes of data, found {available}"
                    : $"{available - count} unexpected trailing bytes after shape ({string.Join(", ", shape)}) = {count} bytes of data");
        }

        var data = new byte[count];
        int read = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (read < data.Length)
        {
            throw new DataFormatException(name, $"truncated: shape ({string.Join(", ", shape)}) needs {count} bytes of data, found {read}");
        }

        if (stream.ReadByte() >= 0)
        {
            throw new DataFormatException(name, $"unexpected trailing bytes after shape ({string.Join(", ", shape)}) = {count} bytes of data");
        }

        return (shape, fortranOrder, data);
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
}
