using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace Siamese.Pipeline.Data;

/// <summary>
/// The <c>.npy</c> header: magic, version, the header dictionary's entries, and the data size its shape declares,
/// each checked against <see cref="DataLimits"/> before anything is allocated from it.
/// </summary>
internal static class NpyHeader
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads the magic, version and header dictionary (at most <see cref="DataLimits.MaxNpyHeaderLength"/> bytes).</summary>
    /// <returns>The header text and the offset of the data.</returns>
    internal static (string Header, long DataStart) Read(Stream stream, long length, string name)
    {
        var prefix = new byte[12];
        int read = stream.ReadAtLeast(prefix.AsSpan(0, 10), 10, throwOnEndOfStream: false);
        if (read < 10 || !prefix.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new DataFormatException(name, "not a .npy array (missing \\x93NUMPY magic)");
        }

        int major = prefix[6];
        long headerLength;
        int headerStart;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix.AsSpan(8));
            headerStart = 10;
        }
        else if (major is 2 or 3)
        {
            if (stream.ReadAtLeast(prefix.AsSpan(10, 2), 2, throwOnEndOfStream: false) < 2)
            {
                throw new DataFormatException(name, "truncated .npy header");
            }

            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix.AsSpan(8));
            headerStart = 12;
        }
        else
        {
            throw new DataFormatException(name, $"unsupported .npy format version {major}.{prefix[7]}");
        }

        if (headerLength > DataLimits.MaxNpyHeaderLength)
        {
            throw new DataFormatException(name, $".npy header length {headerLength} exceeds the {DataLimits.MaxNpyHeaderLength} bytes accepted");
        }

        if (headerStart + headerLength > length)
        {
            throw new DataFormatException(name, "truncated .npy header");
        }

        var header = new byte[headerLength];
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
        {
            throw new DataFormatException(name, "truncated .npy header");
        }

        return ((major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(header), headerStart + headerLength);
    }

    /// <summary>The shape's product times the element size in checked arithmetic, refused beyond <see cref="DataLimits.MaxDataBytes"/>.</summary>
    internal static long ByteCount(int[] shape, int elementSize, string name)
    {
        long count = elementSize;
        try
        {
            foreach (var d in shape)
            {
                count = checked(count * d);
            }
        }
        catch (OverflowException)
        {
            count = long.MaxValue;
        }

        if (count > DataLimits.MaxDataBytes)
        {
            throw new DataFormatException(name, $"shape ({string.Join(", ", shape)}) declares more than the {DataLimits.MaxDataBytes} bytes of data accepted");
        }

        return count;
    }

    internal static string Value(string header, string key, string name)
    {
        var match = Regex.Match(header, $@"['""]{key}['""]\s*:\s*(\([^)]*\)|'[^']*'|""[^""]*""|True|False)");
        if (!match.Success)
        {
            throw new DataFormatException(name, $".npy header has no '{key}' entry: {Abbreviate(header.Trim())}");
        }

        return match.Groups[1].Value;
    }

    private static string Abbreviate(string text) => text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "…");

    internal static int[] ParseShape(string text, string name)
    {
        var inner = text.Trim().TrimStart('(').TrimEnd(')');
        var parts = inner.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shape = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i].TrimEnd('L'), out shape[i]) || shape[i] < 0)
            {
                throw new DataFormatException(name, $"shape {Abbreviate(text)} is not a tuple of non-negative integers");
            }
        }

        return shape;
    }
}
