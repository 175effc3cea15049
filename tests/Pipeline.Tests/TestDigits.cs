using Siamese.Pipeline.Data;

namespace Siamese.Pipeline.Tests;

/// <summary>Tiny in-memory digit sets for the pipeline tests.</summary>
internal static class TestDigits
{
    /// <summary>Image i of the set has every pixel equal to <c>(i % 250) + 1</c>, so an output identifies its source.</summary>
    public static ImageClass Numbered(int digit, int count, int height = 8, int width = 8)
    {
        var pixels = new byte[count * height * width];
        for (int i = 0; i < count; i++)
        {
            pixels.AsSpan(i * height * width, height * width).Fill((byte)(i % 250 + 1));
        }

        return new ImageClass(digit, height, width, pixels);
    }

    public static ImageClass Random(int digit, int count, int height, int width, int seed)
    {
        var pixels = new byte[count * height * width];
        new Random(seed).NextBytes(pixels);
        return new ImageClass(digit, height, width, pixels);
    }

    public static IReadOnlyList<ImageClass> RandomClasses(int classes, int count, int height, int width, int seed) =>
        Enumerable.Range(0, classes).Select(d => Random(d, count, height, width, seed * 100 + d)).ToArray();

    public static AugmentationOptions NoTransform(double rescale = 1.0 / 255) => AugmentationOptions.NoTransform(rescale);
}
