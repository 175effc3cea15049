using Siamese.Host.Cli;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Imaging;

/// <summary>A digit picture from a PNG or JPEG file, made MNIST-like (see <see cref="DigitImage"/>).</summary>
/// <param name="Pixels">28×28 bytes, white digit on black.</param>
/// <param name="LooksDarkOnLight">The picture's border is light: probably a dark digit on paper, which wants <c>--invert</c>.</param>
internal sealed record DigitImageFile(byte[] Pixels, bool LooksDarkOnLight)
{
    /// <summary>Pictures wider or taller than this are refused from their header, before decoding.</summary>
    public const int MaxSide = PictureFile.MaxSide;

    /// <summary>Picture files longer than this (64 MiB) are refused before they are read.</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>Decodes <paramref name="path"/> (grey or colour, with or without alpha, at most <see cref="MaxSide"/> on a side) and converts it.</summary>
    /// <param name="invert">The picture is a dark digit on a light background; null decides from its border.</param>
    /// <exception cref="UserInputException">The file is missing or not a regular file, too large, not an image, or shows no digit.</exception>
    public static DigitImageFile Load(string path, bool? invert) => FromBytes(ReadBounded(path), path, invert);

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

        var picture = Decode(data, name, invert ?? false, maxSide);
        var grey = picture.Grey;
        bool lightBorder = invert != true && BorderMean(grey, picture.Width, picture.Height) > 127;
        bool inverting = invert ?? lightBorder;
        if (inverting && invert is null)
        {
            // Transparent parts are paper: white once the picture is read as dark on light.
            grey = Decode(data, name, invert: true, maxSide).Grey;
        }

        if (inverting)
        {
            DigitImage.Invert(grey);
        }

        bool darkOnLight = lightBorder && !inverting;
        try
        {
            return new DigitImageFile(DigitImage.ToMnist(grey, picture.Width, picture.Height), darkOnLight);
        }
        catch (ArgumentException)
        {
            throw new UserInputException(darkOnLight
                ? $"Image {name} shows no light digit on a dark background; for a dark digit on light paper add {invertHint}."
                : $"Image {name} shows no digit (nothing stands out from the background).");
        }
    }

    private static GreyPicture Decode(byte[] data, string name, bool invert, int maxSide)
    {
        try
        {
            return PictureFile.Decode(data, name, background: invert ? 255f : 0f, Math.Min(maxSide, MaxSide));
        }
        catch (DataFormatException e)
        {
            throw new UserInputException($"Image {e.FilePath} {e.Problem}.", e);
        }
    }

    internal static byte[] ReadBounded(string path)
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
