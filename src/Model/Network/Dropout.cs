using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>
/// Inverted dropout (training: each value kept with probability 1 − rate and scaled by 1/(1 − rate); evaluation:
/// the identity) with its masks drawn by <see cref="DropoutRandom"/> in managed code: libtorch's own dropout draws its
/// Bernoulli masks one element at a time through its generic generator, a large share of a small training step
/// (docs/performance.md).
/// </summary>
internal sealed class Dropout : nn.Module<Tensor, Tensor>
{
    private readonly double rate;
    private readonly DropoutRandom random;

    public Dropout(double rate, DropoutRandom random)
        : base(nameof(Dropout))
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rate);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rate, 1);
        this.rate = rate;
        this.random = random;
    }

    public override Tensor forward(Tensor input)
    {
        if (!training || rate == 0)
        {
            return input.alias();
        }

        var mask = empty(input.shape, input.dtype);
        random.Fill(MemoryMarshal.Cast<byte, float>(mask.bytes), rate);
        return input.mul(mask);
    }
}

/// <summary>
/// The dropout masks' generator: xoshiro256** (Blackman and Vigna), seeded from libtorch's generator when the network
/// is built (so <c>Training:Seed</c> fixes it) and saved with the trainer's state (so a resumed run draws the same masks).
/// </summary>
internal sealed class DropoutRandom
{
    private ulong s0, s1, s2, s3;

    public DropoutRandom(ulong seed) => Reseed(seed);

    /// <summary>Starts over from <paramref name="seed"/>; SplitMix64 spreads it over the four words, as the generator's authors recommend.</summary>
    public void Reseed(ulong seed)
    {
        s0 = SplitMix(ref seed);
        s1 = SplitMix(ref seed);
        s2 = SplitMix(ref seed);
        s3 = SplitMix(ref seed);
    }

    /// <summary>
    /// Writes 1/(1 − rate) (kept) or 0 (dropped) into each element; two decisions per 64-bit draw: element 2k keeps
    /// when draw k's low 32 bits are below (1 − rate)·2³², element 2k + 1 by its high 32 bits, an odd last element by
    /// the low bits of one more draw.
    /// </summary>
    /// <remarks>
    /// The draws are written into the mask's own memory (each 64-bit draw over the two floats it decides, low half
    /// first on a little-endian machine) and then turned into mask values eight at a time: the generator's serial
    /// chain is the only scalar work, and there is no data-dependent branch to mispredict.
    /// </remarks>
    public void Fill(Span<float> mask, double rate)
    {
        uint keepBelow = (uint)Math.Min(uint.MaxValue, Math.Round((1 - rate) * 4294967296.0));
        float kept = (float)(1 / (1 - rate));
        int even = mask.Length & ~1;
        Span<ulong> draws = MemoryMarshal.Cast<float, ulong>(mask[..even]);
        (ulong a, ulong b, ulong c, ulong d) = (s0, s1, s2, s3); // in registers: the fields would be stored every draw
        for (int k = 0; k < draws.Length; k++)
        {
            ulong r = Next(ref a, ref b, ref c, ref d);
            draws[k] = BitConverter.IsLittleEndian ? r : ulong.RotateLeft(r, 32);
        }

        (s0, s1, s2, s3) = (a, b, c, d);

        Span<uint> halves = MemoryMarshal.Cast<float, uint>(mask[..even]);
        uint keptBits = BitConverter.SingleToUInt32Bits(kept);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var limit = Vector256.Create(keepBelow);
            var keptVector = Vector256.Create(keptBits);
            ref uint start = ref MemoryMarshal.GetReference(halves);
            for (; i <= even - Vector256<uint>.Count; i += Vector256<uint>.Count)
            {
                var half = Vector256.LoadUnsafe(ref start, (nuint)i);
                (Vector256.LessThan(half, limit) & keptVector).StoreUnsafe(ref start, (nuint)i);
            }
        }

        for (; i < even; i++)
        {
            halves[i] = halves[i] < keepBelow ? keptBits : 0;
        }

        if (even < mask.Length)
        {
            mask[even] = (uint)Next() < keepBelow ? kept : 0f;
        }
    }

    public void Save(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(s0);
        writer.Write(s1);
        writer.Write(s2);
        writer.Write(s3);
    }

    public void Load(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        (s0, s1, s2, s3) = (reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64());
        if ((s0 | s1 | s2 | s3) == 0)
        {
            throw new InvalidDataException("The dropout generator's state is all zero, which xoshiro256** never reaches.");
        }
    }

    private ulong Next() => Next(ref s0, ref s1, ref s2, ref s3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Next(ref ulong s0, ref ulong s1, ref ulong s2, ref ulong s3)
    {
        ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    private static ulong SplitMix(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
