namespace Siamese.Pipeline;

/// <summary>Independent, reproducible generator seeds for the parts of a stream, from the stream's seed.</summary>
internal static class SeedDerivation
{
    public const int PairingStream = -1;

    /// <summary>SplitMix64 finaliser over (seed, stream), so neighbouring digits get unrelated seeds.</summary>
    public static int Derive(int seed, int stream)
    {
        ulong z = ((ulong)(uint)seed << 32 | (uint)stream) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & int.MaxValue);
    }
}
