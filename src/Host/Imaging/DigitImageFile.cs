using Siamese.Host.Cli;
using SkiaSharp;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Imaging;

/// <summary>A digit picture from a PNG or JPEG file, made MNIST-like (see <see cref="DigitImage"/>).</summary>
/// <param name="Pixels">28×28 bytes, white digit on black.</param>
/// <param name="LooksDarkOnLight">The picture's border is light: probably a dark digit on paper, which wants <c>--invert</c>.</param>
internal sealed record DigitImageFile(byte[] Pixels, bool LooksDarkOnLight)
{
    /// <summary>
    /// Pictures wider or taller than this are refused from their header, before decoding: 4096×4096 decodes to 64 MiB
    /// (and about three times that while it is converted), and a digit needs far fewer pixels.
    /// </summary>
    public const int MaxSide = 4096;

    /// <summary>Picture files longer than this (64 MiB) are refused before they are read.</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>Decodes <paramref name="path"/> (grey or colour, with or without alpha, at most <see cref="MaxSide"/> on a side) and converts it.</summary>
    /// <param name="invert">The picture is a dark digit on a light background.</param>
    /// <exception cref="UserInputException">The file is missing or not a regular file, too large, not an image, or shows no digit.</exception>
    public static DigitImageFile Load(string path, bool invert) => FromBytes(ReadBounded(path), path, invert);

    /// <summary>A picture already in memory (an upload), converted as <see cref="Load"/> converts a file.</summary>
    /// <param name="invert">The picture is a dark digit on a light background; null decides from its border (light paper is inverted).</param>
    /// <param name="name">What the messages call the picture.</param>
    /// <param name="maxSide">Pictures wider or taller are refused from their header (at most <see cref="MaxSide"/>).</param>
    /// <param name="invertHint">How the user asks for inversion, for the message about a dark digit on light paper.</param>
    /// <exception cref="UserInputException">The bytes are too many, not an image, too large a picture, or show no digit.</exception>
    public static DigitImageFile FromBytes(byte[] data, string name, bool? invert, int maxSide = MaxSide, string invertHint = "--invert")
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.LongLength > MaxFileBytes)
        {
            throw new UserInputException($"Image {name} is {data.LongLength} bytes; picture files of at most {MaxFileBytes >> 20} MiB are accepted.");
        }

        using var bitmap = Decode(data, name, Math.Min(maxSide, MaxSide));
        var grey = Grey(bitmap, invert ?? false);
        bool lightBorder = invert != true && BorderMean(grey, bitmap.Width, bitmap.Height) > 127;
        bool inverting = invert ?? lightBorder;
        if (inverting && invert is null)
        {
            grey = Grey(bitmap, invert: true);
        }

        if (inverting)
        {
            DigitImage.Invert(grey);
        }

        bool darkOnLight = lightBorder && !inverting;

        try
        {
            return new DigitImageFile(DigitImage.ToMnist(grey, bitmap.Width, bitmap.Height), darkOnLight);
        }
        catch (ArgumentException)
        {
            throw new UserInputException(darkOnLight
                ? $"Image {name} shows no light digit on a dark background; for a dark digit on light paper add {invertHint}."
                : $"Image {name} shows no digit (nothing stands out from the background).");
        }
    }

    /// <summary>Checks the size the picture's header declares, then decodes it.</summary>
    private static SKBitmap Decode(byte[] bytes, string path, int maxSide)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw NotAPicture(path);
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width is < 1 || width > maxSide || height is < 1 || height > maxSide)
        {
            throw new UserInputException($"Image {path} is {width}×{height} pixels; pictures of at most {maxSide}×{maxSide} are accepted (scale it down first).");
        }

        return SKBitmap.Decode(codec) ?? throw NotAPicture(path);
    }

    private static byte[] ReadBounded(string path)
    {
        if (RegularFile.Problem(path) is { } problem)
        {
            throw new UserInputException($"Image {path} {problem}.");
        }

        try
        {
            using var stream = File.OpenRead(path);
            if (stream.Length > MaxFileBytes)
            {
                throw new UserInputException($"Image {path} is {stream.Length} bytes; picture files of at most {MaxFileBytes >> 20} MiB are accepted.");
            }

            var bytes = new byte[stream.Length];
            int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            if (stream.ReadByte() >= 0)
            {
                throw new UserInputException($"Image {path} grew while it was read; try again once it is written.");
            }

            return read == bytes.Length ? bytes : bytes[..read];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"Image {path} cannot be read ({e.Message}).", e);
        }
    }

    private static UserInputException NotAPicture(string path) =>
        new($"Image {path} is not a PNG or JPEG picture (it cannot be decoded).");

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
