namespace Siamese.Pipeline.Data;

/// <summary>
/// How a grey picture of any size becomes a model's input image: ink made high (inverted when the picture is dark ink
/// on light paper, as Omniglot is), optionally centred by the ink's centre of mass at the picture's own resolution,
/// then fitted into <see cref="Side"/> × <see cref="Side"/> keeping its aspect (area averaging; the rest stays 0).
/// Training images and every picture scored later go through the same steps, which the model records.
/// </summary>
/// <param name="Side">The side of the square output, in pixels.</param>
/// <param name="Invert">The pictures are dark ink on light paper.</param>
/// <param name="Centre">Where the ink is placed before resizing.</param>
public sealed record ImagePreparation(int Side, bool Invert, CentreKind Centre)
{
    /// <summary>Pixels above this (0–255, ink high) count as ink for the centre of mass.</summary>
    private const float InkThreshold = 127.5f;

    /// <summary>
    /// <paramref name="grey"/> (row-major, <paramref name="width"/> × <paramref name="height"/>, luminance 0–255) as
    /// <see cref="Side"/>² bytes, ink high.
    /// </summary>
    public byte[] Prepare(ReadOnlySpan<float> grey, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (grey.Length != width * height)
        {
            throw new ArgumentException($"Expected {width}x{height} = {width * height} pixels, got {grey.Length}.", nameof(grey));
        }

        var ink = grey.ToArray();
        if (Invert)
        {
            DigitImage.Invert(ink);
        }

        if (Centre == CentreKind.CentreOfMass)
        {
            ink = Centred(ink, width, height);
        }

        int longer = Math.Max(width, height);
        int outWidth = Math.Max(1, (int)Math.Round((double)width * Side / longer));
        int outHeight = Math.Max(1, (int)Math.Round((double)height * Side / longer));
        var scaled = DigitImage.Resample(ink, width, 0, 0, width, height, outWidth, outHeight);
        var output = new byte[Side * Side];
        int top = (Side - outHeight) / 2;
        int left = (Side - outWidth) / 2;
        for (int r = 0; r < outHeight; r++)
        {
            for (int c = 0; c < outWidth; c++)
            {
                output[((top + r) * Side) + left + c] = (byte)Math.Clamp(MathF.Round(scaled[(r * outWidth) + c]), 0, 255);
            }
        }

        return output;
    }

    /// <summary>The picture shifted by whole pixels so that the centre of mass of its ink pixels lies at its centre; empty parts 0.</summary>
    private static float[] Centred(float[] ink, int width, int height)
    {
        double mass = 0, rows = 0, columns = 0;
        for (int r = 0; r < height; r++)
        {
            for (int c = 0; c < width; c++)
            {
                float v = ink[(r * width) + c];
                if (v > InkThreshold)
                {
                    mass += v;
                    rows += v * r;
                    columns += v * c;
                }
            }
        }

        if (mass == 0)
        {
            return ink;
        }

        int dy = (int)Math.Round(((height - 1) / 2.0) - (rows / mass), MidpointRounding.ToEven);
        int dx = (int)Math.Round(((width - 1) / 2.0) - (columns / mass), MidpointRounding.ToEven);
        var output = new float[ink.Length];
        for (int r = Math.Max(0, dy); r < Math.Min(height, height + dy); r++)
        {
            int from = r - dy;
            for (int c = Math.Max(0, dx); c < Math.Min(width, width + dx); c++)
            {
                output[(r * width) + c] = ink[(from * width) + c - dx];
            }
        }

        return output;
    }
}
