using System.Buffers.Binary;

namespace Siamese.Tests.Shared;

/// <summary>
/// Seeded mutations of a valid file, as a hostile or damaged copy would differ from it: a header field set to an
/// extreme value, flipped header bits, overwritten bytes, truncation, appended garbage — one or two at a time. Each
/// mutation says what it did, so a failing mutant can be named and reproduced from the seed. Shared by every test
/// project's hostile-input tests (linked from <c>tests/Shared</c>).
/// </summary>
internal sealed class FileMutator(int seed)
{
    /// <summary>Values a 32-bit size field is set to: empty, tiny, 2^n boundaries, the signed and unsigned extremes.</summary>
    public static readonly uint[] Extremes = [0, 1, 2, 255, 256, 0xFFFF, 0x10000, 1u << 24, (1u << 24) + 1, 1u << 30, int.MaxValue, 0x80000000, 0xFFFFFFF0, 0xFFFFFFFF];

    public Random Random { get; } = new(seed);

    /// <param name="valid">The file to mutate (not changed).</param>
    /// <param name="headerLength">How many leading bytes are header (bit flips land there).</param>
    /// <param name="fields">Offsets of 32-bit header fields.</param>
    /// <param name="bigEndian">The fields' byte order.</param>
    /// <param name="overwriteAnywhere">
    /// Whether overwritten bytes may land past the header: yes where the data is checked too (labels outside 0–9), no
    /// where only the header is (a model's or checkpoint's floats load whatever their values).
    /// </param>
    public (byte[] Bytes, string What) Mutate(byte[] valid, int headerLength, IReadOnlyList<int> fields, bool bigEndian = false, bool overwriteAnywhere = true)
    {
        var bytes = (byte[])valid.Clone();
        var what = new List<string>();
        int steps = Random.Next(4) == 0 ? 2 : 1;
        for (int step = 0; step < steps; step++)
        {
            switch (Random.Next(5))
            {
                case 0 when fields.Count > 0:
                    int field = fields[Random.Next(fields.Count)];
                    uint value = Extremes[Random.Next(Extremes.Length)];
                    if (field + 4 <= bytes.Length)
                    {
                        if (bigEndian)
                        {
                            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(field), value);
                        }
                        else
                        {
                            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(field), value);
                        }
                    }

                    what.Add($"field@{field}=0x{value:X}");
                    break;
                case 1:
                    int flips = 1 + Random.Next(8);
                    for (int i = 0; i < flips && bytes.Length > 0; i++)
                    {
                        int at = Random.Next(Math.Min(headerLength, bytes.Length));
                        bytes[at] ^= (byte)(1 << Random.Next(8));
                    }

                    what.Add($"flip{flips}");
                    break;
                case 2:
                    int overwrites = 1 + Random.Next(16);
                    for (int i = 0; i < overwrites && bytes.Length > 0; i++)
                    {
                        bytes[Random.Next(overwriteAnywhere ? bytes.Length : Math.Min(headerLength, bytes.Length))] = (byte)Random.Next(256);
                    }

                    what.Add($"overwrite{overwrites}");
                    break;
                case 3:
                    int keep = Random.Next(bytes.Length);
                    bytes = bytes[..keep];
                    what.Add($"truncate@{keep}");
                    break;
                default:
                    var garbage = new byte[1 + Random.Next(4096)];
                    Random.NextBytes(garbage);
                    bytes = [.. bytes, .. garbage];
                    what.Add($"append{garbage.Length}");
                    break;
            }
        }

        return (bytes, string.Join(" + ", what));
    }
}
