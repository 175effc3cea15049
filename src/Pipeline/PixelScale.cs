using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Siamese.Pipeline;

/// <summary>Raw 0–255 pixels to the floats a model sees: each byte times the rescale factor (Keras's <c>rescale</c>), the one place this is done.</summary>
public static class PixelScale
{
    /// <summary>Writes <c>source[i] · factor</c> into <paramref name="destination"/>; the AVX2 path rounds exactly as the scalar one.</summary>
    public static unsafe void Rescale(ReadOnlySpan<byte> source, Span<float> destination, float factor)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"Expected room for {source.Length} pixels, got {destination.Length}.", nameof(destination));
        }

        int i = 0;
        fixed (byte* src = source)
        fixed (float* dst = destination)
        {
            if (Avx2.IsSupported)
            {
                var scale = Vector256.Create(factor);
                for (; i <= source.Length - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    var pixels = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(src + i));
                    (pixels * scale).Store(dst + i);
                }
            }

            for (; i < source.Length; i++)
            {
                dst[i] = src[i] * factor;
            }
        }
    }

    /// <summary>A new array of <paramref name="source"/> rescaled.</summary>
    public static float[] Rescale(ReadOnlySpan<byte> source, float factor)
    {
        var output = new float[source.Length];
        Rescale(source, output, factor);
        return output;
    }
}
