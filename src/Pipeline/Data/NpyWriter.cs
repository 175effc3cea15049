using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Siamese.Pipeline.Data;

/// <summary>
/// Writes NumPy <c>.npy</c> arrays, format version 1.0, in C (row-major) order: float32 (<c>'&lt;f4'</c>) or uint8
/// (<c>'|u1'</c>). The header is the format's: the magic <c>\x93NUMPY</c>, version bytes 1 and 0, the header's length
/// (uint16, little-endian), then the dictionary <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (N, D), }</c>
/// padded with spaces and ended by a newline so that the data starts at a multiple of 64 bytes.
/// </summary>
public static class NpyWriter
{
    /// <summary>The data of every array starts at a multiple of this.</summary>
    public const int Alignment = 64;

    public const string Float32 = "<f4";
    public const string UInt8 = "|u1";

    /// <summary>Magic (6 bytes), version (2) and header length (2).</summary>
    private const int PreambleLength = 10;

    /// <summary>Writes <paramref name="data"/> (little-endian float32) as an array of <paramref name="shape"/> to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, ReadOnlySpan<float> data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(stream);
        CheckCount(data.Length, shape);
        stream.Write(Header(Float32, shape));
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(data));
            return;
        }

        Span<byte> value = stackalloc byte[sizeof(float)];
        foreach (float f in data)
        {
            BinaryPrimitives.WriteSingleLittleEndian(value, f);
            stream.Write(value);
        }
    }

    /// <summary>Writes <paramref name="data"/> as a uint8 array of <paramref name="shape"/> to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(stream);
        CheckCount(data.Length, shape);
        stream.Write(Header(UInt8, shape));
        stream.Write(data);
    }

    /// <summary>The preamble and padded header of a C-order array: its data follows at once.</summary>
    public static byte[] Header(string descr, IReadOnlyList<int> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var dimensions = shape.Select(d => d.ToString(CultureInfo.InvariantCulture)).ToArray();
        var tuple = dimensions.Length == 1 ? $"({dimensions[0]},)" : $"({string.Join(", ", dimensions)})";
        var dictionary = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {tuple}, }}";

        // Spaces, then the newline the format ends the header with, up to the next multiple of the alignment.
        int unpadded = PreambleLength + dictionary.Length + 1;
        int padding = (Alignment - (unpadded % Alignment)) % Alignment;
        var text = Encoding.ASCII.GetBytes(dictionary + new string(' ', padding) + "\n");
        var header = new byte[PreambleLength + text.Length];
        header[0] = 0x93;
        "NUMPY"u8.CopyTo(header.AsSpan(1));
        header[6] = 1;
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), checked((ushort)text.Length));
        text.CopyTo(header, PreambleLength);
        return header;
    }

    private static void CheckCount(int count, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long expected = 1;
        foreach (int d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            expected *= d;
        }

        if (expected != count)
        {
            throw new ArgumentException($"Shape ({string.Join(", ", shape)}) holds {expected} values; got {count}.", nameof(shape));
        }
    }
}
