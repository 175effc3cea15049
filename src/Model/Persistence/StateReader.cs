using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>
/// Reads TorchSharp's own tensor and module formats (what <c>Tensor.Save</c> and <c>Module.save</c> write: a LEB128
/// count, then per entry a string key, the element type, the rank, each dimension, the raw bytes) into tensors that
/// already exist, checking every declared type, rank and shape against them BEFORE anything is allocated or read:
/// TorchSharp's own readers allocate whatever rank a file declares, and read a fresh tensor of whatever shape.
/// </summary>
internal static class StateReader
{
    private const int MaxRank = 8;

    /// <summary>Loads a module's parameters and buffers, in any order, each exactly once.</summary>
    /// <exception cref="InvalidDataException">The stream is not this module's state.</exception>
    public static void LoadModule(nn.Module module, BinaryReader reader)
    {
        var state = module.state_dict();
        long count = Decode(reader);
        if (count != state.Count)
        {
            throw new InvalidDataException($"The weights hold {count} tensors; this model has {state.Count}.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (long i = 0; i < count; i++)
        {
            string key = ReadKey(reader);
            if (!state.TryGetValue(key, out var tensor) || !seen.Add(key))
            {
                throw new InvalidDataException($"The weights name '{Shorten(key)}', which this model does not have (or has already been read).");
            }

            using var noGrad = no_grad();
            LoadTensor(tensor, reader, key);
        }
    }

    /// <summary>Loads one tensor saved with <c>Tensor.Save</c> into <paramref name="tensor"/>, which fixes its type and shape.</summary>
    /// <exception cref="InvalidDataException">The declared type or shape differs, or the data is short.</exception>
    public static void LoadTensor(Tensor tensor, BinaryReader reader, string name)
    {
        long type = Decode(reader);
        if (type != (long)tensor.dtype)
        {
            throw new InvalidDataException($"'{name}' is stored as element type {type}, not {tensor.dtype}.");
        }

        long rank = Decode(reader);
        if (rank != tensor.dim() || rank > MaxRank)
        {
            throw new InvalidDataException($"'{name}' is stored with {rank} dimensions, not {tensor.dim()}.");
        }

        for (int d = 0; d < rank; d++)
        {
            long size = Decode(reader);
            if (size != tensor.shape[d])
            {
                throw new InvalidDataException($"'{name}' is stored with dimension {d} of {size}, not {tensor.shape[d]}.");
            }
        }

        long bytes = tensor.numel() * tensor.ElementSize;
        var data = reader.ReadBytes(checked((int)bytes));
        if (data.Length != bytes)
        {
            throw new EndOfStreamException($"'{name}' is cut short: {data.Length} of its {bytes} bytes.");
        }

        tensor.bytes = data;
    }

    /// <summary>An unsigned LEB128 integer as TorchSharp writes it (7 bits a byte, low first), refused past 63 bits.</summary>
    private static long Decode(BinaryReader reader)
    {
        long result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = reader.ReadByte();
            if (shift == 63 && b > 0 || shift > 63)
            {
                throw new InvalidDataException("A length field does not fit 63 bits.");
            }

            result |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
    }

    /// <summary>A key as BinaryWriter writes a string, refused past 256 bytes (a real key is a few dozen).</summary>
    private static string ReadKey(BinaryReader reader)
    {
        int length = reader.Read7BitEncodedInt();
        if (length is < 0 or > 256)
        {
            throw new InvalidDataException($"A weight's name is {length} bytes long.");
        }

        var bytes = reader.ReadBytes(length);
        return bytes.Length == length ? Encoding.UTF8.GetString(bytes) : throw new EndOfStreamException("A weight's name is cut short.");
    }

    private static string Shorten(string key) => key.Length <= 64 ? key : key[..64] + "…";
}
