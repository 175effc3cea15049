namespace Siamese.Pipeline.Data;

/// <summary>
/// Turns a grey picture of one handwritten digit into an MNIST-style 28×28 image, the way the MNIST images were
/// made: the background is removed, the digit's bounding box is scaled (keeping its aspect ratio, with area
/// averaging, which anti-aliases) to fit a 20×20 box, and the result is placed in the 28×28 field so that its centre
/// of mass lies at the field's centre.
/// </summary>
public static class DigitImage
{
    public const int Side = 28;
    public const int Box = 20;

    /// <summary>Ink below this share of the digit's brightest pixel does not count towards the bounding box.</summary>
    private const float InkThreshold = 0.2f;

    /// <summary>Background and digit closer than this (0–255 scale) mean there is no digit.</summary>
    private const float MinimumContrast = 16;

    /// <summary>
    /// Converts <paramref name="grey"/> (row-major, <paramref name="width"/> × <paramref name="height"/>, 0–255, a light
    /// digit on a dark background) into 28×28 bytes. The background level is the median of the border pixels; it
    /// becomes 0 and the brightest pixel 255.
    /// </summary>
    /// <exception cref="ArgumentException">The picture has no digit (no pixel stands out from the background).</exception>
    public static byte[] ToMnist(ReadOnlySpan<float> grey, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (grey.Length != width * height)
        {
            throw new ArgumentException($"Expected {width}x{height} = {width * height} pixels, got {grey.Length}.", nameof(grey));
        }

        float background = BorderMedian(grey, width, height);
        float peak = 0;
        foreach (float v in grey)
        {
            peak = Math.Max(peak, v);
        }

        if (peak - background < MinimumContrast)
        {
            throw new ArgumentException("The picture has no digit: nothing stands out from the background.", nameof(grey));
        }

        var ink = new float[grey.Length];
        float scale = 255f / (peak - background);
        for (int i = 0; i < ink.Length; i++)
        {
            ink[i] = Math.Clamp((grey[i] - background) * scale, 0, 255);
        }

        var (top, left, bottom, right) = BoundingBox(ink, width, height, InkThreshold * 255)!.Value;
        int boxHeight = bottom - top + 1;
        int boxWidth = right - left + 1;
        double factor = (double)Box / Math.Max(boxHeight, boxWidth);
        int scaledHeight = Math.Clamp((int)Math.Round(boxHeight * factor), 1, Box);
        int scaledWidth = Math.Clamp((int)Math.Round(boxWidth * factor), 1, Box);
        var scaled = Resample(ink, width, left, top, boxWidth, boxHeight, scaledWidth, scaledHeight);

        // Place the scaled box so that its centre of mass falls on the field's centre (13.5, 13.5 in pixel-centre
        // coordinates), moving it by whole pixels as MNIST did, and keep it inside the field.
        var (massRow, massColumn) = CentreOfMass(scaled, scaledWidth, scaledHeight);
        int offsetRow = Math.Clamp((int)Math.Round((Side - 1) / 2.0 - massRow, MidpointRounding.AwayFromZero), 0, Side - scaledHeight);
        int offsetColumn = Math.Clamp((int)Math.Round((Side - 1) / 2.0 - massColumn, MidpointRounding.AwayFromZero), 0, Side - scaledWidth);
        var result = new byte[Side * Side];
        for (int r = 0; r < scaledHeight; r++)
        {
            for (int c = 0; c < scaledWidth; c++)
            {
                result[((offsetRow + r) * Side) + offsetColumn + c] = (byte)Math.Clamp((int)MathF.Round(scaled[(r * scaledWidth) + c]), 0, 255);
            }
        }

        return result;
    }

    /// <summary>Inverts a 0–255 picture (dark digit on light paper becomes light on dark).</summary>
    public static void Invert(Span<float> grey)
    {
        for (int i = 0; i < grey.Length; i++)
        {
            grey[i] = 255f - grey[i];
        }
    }

    /// <summary>The intensity-weighted mean (row, column) of the pixels, in pixel-centre coordinates; the centre when all are 0.</summary>
    public static (double Row, double Column) CentreOfMass(ReadOnlySpan<float> image, int width, int height)
    {
        double total = 0, rows = 0, columns = 0;
        for (int r = 0; r < height; r++)
        {
            for (int c = 0; c < width; c++)
            {
                double v = image[(r * width) + c];
                total += v;
                rows += v * r;
                columns += v * c;
            }
        }

        return total > 0 ? (rows / total, columns / total) : ((height - 1) / 2.0, (width - 1) / 2.0);
    }

    /// <inheritdoc cref="CentreOfMass(ReadOnlySpan{float}, int, int)"/>
    public static (double Row, double Column) CentreOfMass(ReadOnlySpan<byte> image, int width, int height)
    {
        var values = new float[image.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = image[i];
        }

        return CentreOfMass(values, width, height);
    }

    /// <summary>The smallest rectangle (inclusive) holding every pixel above <paramref name="threshold"/>; null when there is none.</summary>
    public static (int Top, int Left, int Bottom, int Right)? BoundingBox(ReadOnlySpan<float> image, int width, int height, float threshold)
    {
        int top = height, left = width, bottom = -1, right = -1;
        for (int r = 0; r < height; r++)
        {
            for (int c = 0; c < width; c++)
            {
                if (image[(r * width) + c] > threshold)
                {
                    top = Math.Min(top, r);
                    bottom = Math.Max(bottom, r);
                    left = Math.Min(left, c);
                    right = Math.Max(right, c);
                }
            }
        }

        return bottom < 0 ? null : (top, left, bottom, right);
    }

    /// <summary>The median of the outermost rows and columns: the paper's level.</summary>
    private static float BorderMedian(ReadOnlySpan<float> grey, int width, int height)
    {
        var border = new List<float>(2 * (width + height));
        for (int c = 0; c < width; c++)
        {
            border.Add(grey[c]);
            border.Add(grey[((height - 1) * width) + c]);
        }

        for (int r = 1; r < height - 1; r++)
        {
            border.Add(grey[r * width]);
            border.Add(grey[(r * width) + width - 1]);
        }

        border.Sort();
        return border[border.Count / 2];
    }

    /// <summary>
    /// Area-averaging resample of the <paramref name="boxWidth"/> × <paramref name="boxHeight"/> region at
    /// (<paramref name="left"/>, <paramref name="top"/>) to <paramref name="outWidth"/> × <paramref name="outHeight"/>:
    /// each output pixel is the mean of the source area it covers, partial pixels weighted by their overlap.
    /// </summary>
    internal static float[] Resample(float[] source, int sourceWidth, int left, int top, int boxWidth, int boxHeight, int outWidth, int outHeight)
    {
        var rowWeights = Weights(boxHeight, outHeight);
        var columnWeights = Weights(boxWidth, outWidth);
        var output = new float[outWidth * outHeight];
        for (int r = 0; r < outHeight; r++)
        {
            for (int c = 0; c < outWidth; c++)
            {
                double sum = 0;
                foreach (var (sourceRow, rowWeight) in rowWeights[r])
                {
                    foreach (var (sourceColumn, columnWeight) in columnWeights[c])
                    {
                        sum += source[((top + sourceRow) * sourceWidth) + left + sourceColumn] * rowWeight * columnWeight;
                    }
                }

                output[(r * outWidth) + c] = (float)sum;
            }
        }

        return output;
    }

    /// <summary>For each of <paramref name="outLength"/> output cells, the source cells it covers and their weights (summing to 1).</summary>
    private static List<(int Index, double Weight)>[] Weights(int inLength, int outLength)
    {
        double step = (double)inLength / outLength;
        var weights = new List<(int, double)>[outLength];
        for (int o = 0; o < outLength; o++)
        {
            double start = o * step;
            double end = (o + 1) * step;
            weights[o] = [];
            for (int i = (int)Math.Floor(start); i < Math.Min(inLength, (int)Math.Ceiling(end)); i++)
            {
                double overlap = Math.Min(end, i + 1) - Math.Max(start, i);
                if (overlap > 1e-12)
                {
                    weights[o].Add((i, overlap / step));
                }
            }
        }

        return weights;
    }
}
