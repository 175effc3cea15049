using Siamese.Host.Cli;
using SkiaSharp;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Imaging;

/// <summary>A digit picture from a PNG or JPEG file, made MNIST-like (see <see cref="DigitImage"/>).</summary>
/// <param name="Pixels">28×28 bytes, white digit on black.</param>
/// <param name="LooksDarkOnLight">The picture's border is light: probably a dark digit on paper, which wants <c>--invert</c>.</param>
internal sealed record DigitImageFile(byte[] Pixels, bool LooksDarkOnLight)
{
    /// <summary>Decodes <paramref name="path"/> (any size, grey or colour, with or without alpha) and converts it.</summary>
    /// <param name="invert">The picture is a dark digit on a light background.</param>
    /// <exception cref="UserInputException">The file is missing, is not an image, or shows no digit.</exception>
    public static DigitImageFile Load(string path, bool invert)
    {
        if (!File.Exists(path))
        {
            throw new UserInputException($"Image {path} does not exist.");
        }

        using var bitmap = SKBitmap.Decode(path)
            ?? throw new UserInputException($"Image {path} is not a PNG or JPEG picture (it cannot be decoded).");
        var grey = Grey(bitmap, invert);
        bool darkOnLight = !invert && BorderMean(grey, bitmap.Width, bitmap.Height) > 127;
        if (invert)
        {
            DigitImage.Invert(grey);
        }

        try
        {
            return new DigitImageFile(DigitImage.ToMnist(grey, bitmap.Width, bitmap.Height), darkOnLight);
        }
        catch (ArgumentException)
        {
            throw new UserInputException(darkOnLight
                ? $"Image {path} shows no light digit on a dark background; for a dark digit on light paper add --invert."
                : $"Image {path} shows no digit (nothing stands out from the background).");
        }
    }

    /// <summary>Luminance (Rec. 601) of each pixel, 0–255; transparent parts count as background (black, or white when inverting).</summary>
    private static float[] Grey(SKBitmap bitmap, bool invert)
    {
        var colours = bitmap.Pixels;
        var grey = new float[colours.Length];
        float background = invert ? 255f : 0f;
        for (int i = 0; i < colours.Length; i++)
        {
            var colour = colours[i];
            float luminance = (0.299f * colour.Red) + (0.587f * colour.Green) + (0.114f * colour.Blue);
            float alpha = colour.Alpha / 255f;
            grey[i] = (luminance * alpha) + (background * (1 - alpha));
        }

        return grey;
    }

    private static double BorderMean(float[] grey, int width, int height)
    {
        double sum = 0;
        int count = 0;
        for (int c = 0; c < width; c++)
        {
            sum += grey[c] + grey[((height - 1) * width) + c];
            count += 2;
        }

        for (int r = 0; r < height; r++)
        {
            sum += grey[r * width] + grey[(r * width) + width - 1];
            count += 2;
        }

        return sum / count;
    }
}
