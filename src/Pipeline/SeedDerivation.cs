namespace Siamese.Pipeline;

/// <summary>Independent, reproducible generator seeds for the parts of a stream, from the stream's seed.</summary>
internal static class SeedDerivation
{
    public const int PairingStream = -1;

    /// <summary>The stream whose derived seed, combined with an epoch, seeds that epoch's fresh validation stream.</summary>
    public const int ValidationEpochs = -2;

    /// <summary>SplitMix64 finaliser over (seed, stream), so neighbouring digits get unrelated seeds.</summary>
    public static int Derive(int seed, int stream)
    {
        ulong z = ((ulong)(uint)seed << 32 | (uint)stream) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & int.MaxValue);
    }

    /// <summary>
    /// The seed of epoch <paramref name="epoch"/>'s validation stream: apart from the seeds the validation stream's own
    /// digits and pairing derive from <paramref name="validationSeed"/>.
    /// </summary>
    public static int ValidationEpoch(int validationSeed, int epoch) => Derive(Derive(validationSeed, ValidationEpochs), epoch);
}
