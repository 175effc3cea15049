using Siamese.Pipeline.Data;

namespace Siamese.Bench;

/// <summary>MNIST-shaped synthetic data (ten classes of 28×28 bytes), so the benchmarks need no download.</summary>
public static class SyntheticDigits
{
    public const int Side = 28;

    public enum Kind
    {
        /// <summary>Anti-aliased rings inside the central 20×20 box, black elsewhere: MNIST's layout and sparsity.</summary>
        Strokes,

        /// <summary>Uniform random bytes everywhere: no blank margins, the worst case for the sampler.</summary>
        Noise,
    }

    public static IReadOnlyList<ImageClass> Create(int imagesPerClass, Kind kind, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 10).Select(digit =>
        {
            var pixels = new byte[imagesPerClass * Side * Side];
            if (kind == Kind.Noise)
            {
                random.NextBytes(pixels);
            }
            else
            {
                for (int i = 0; i < imagesPerClass; i++)
                {
                    DrawRing(random, pixels.AsSpan(i * Side * Side, Side * Side));
                }
            }

            return new ImageClass(digit, Side, Side, pixels);
        }).ToArray();
    }

    private static void DrawRing(Random random, Span<byte> image)
    {
        double centreRow = 12 + 4 * random.NextDouble();
        double centreCol = 12 + 4 * random.NextDouble();
        double radiusRow = 4 + 4 * random.NextDouble();
        double radiusCol = 2 + 4 * random.NextDouble();
        double thickness = 1.5 + random.NextDouble();
        for (int r = 4; r < 24; r++)
        {
            for (int c = 4; c < 24; c++)
            {
                double dr = (r - centreRow) / radiusRow, dc = (c - centreCol) / radiusCol;
                double distance = Math.Abs(Math.Sqrt(dr * dr + dc * dc) - 1) * Math.Min(radiusRow, radiusCol);
                image[r * Side + c] = (byte)Math.Clamp(255 * (1 - distance / thickness), 0, 255);
            }
        }
    }
}
