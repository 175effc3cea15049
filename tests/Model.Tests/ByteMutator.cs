using System.Buffers.Binary;

namespace Siamese.Model.Tests;

/// <summary>
/// Seeded mutations of a valid file: a 32-bit field set to an extreme value, flipped bits in the header, overwritten
/// bytes, truncation, appended garbage. Each says what it did, so a failing mutant can be named and reproduced.
/// </summary>
internal sealed class ByteMutator(int seed)
{
    /// <summary>Values a 32-bit length field is set to: empty, tiny, 2^n boundaries, the signed and unsigned extremes.</summary>
    public static readonly uint[] Extremes = [0, 1, 2, 255, 0xFFFF, 0x10000, 1u << 24, (1u << 24) + 1, 1u << 30, int.MaxValue, 0x80000000, 0xFFFFFFF0, 0xFFFFFFFF];

    public Random Random { get; } = new(seed);

    /// <param name="valid">The file to mutate (not changed).</param>
    /// <param name="headerLength">How many leading bytes are header (bit flips land there).</param>
    /// <param name="fields">Offsets of little-endian 32-bit fields.</param>
    public (byte[] Bytes, string What) Mutate(byte[] valid, int headerLength, IReadOnlyList<int> fields)
    {
        var bytes = (byte[])valid.Clone();
        switch (Random.Next(5))
        {
            case 0 when fields.Count > 0:
                int field = fields[Random.Next(fields.Count)];
                uint value = Extremes[Random.Next(Extremes.Length)];
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(field), value);
                return (bytes, $"field@{field}=0x{value:X}");
            case 1:
                int flips = 1 + Random.Next(8);
                for (int i = 0; i < flips; i++)
                {
                    bytes[Random.Next(Math.Min(headerLength, bytes.Length))] ^= (byte)(1 << Random.Next(8));
                }

                return (bytes, $"flip{flips}");
            case 2:
                int overwrites = 1 + Random.Next(16);
                for (int i = 0; i < overwrites; i++)
                {
                    bytes[Random.Next(Math.Min(headerLength, bytes.Length))] = (byte)Random.Next(256);
                }

                return (bytes, $"overwrite{overwrites}");
            case 3:
                int keep = Random.Next(bytes.Length);
                return (bytes[..keep], $"truncate@{keep}");
            default:
                var garbage = new byte[1 + Random.Next(4096)];
                Random.NextBytes(garbage);
                return ([.. bytes, .. garbage], $"append{garbage.Length}");
        }
    }
}
