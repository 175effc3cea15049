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
    /// <param name="invert">The picture is a dark digit on a light background.</param>
    /// <exception cref="UserInputException">The file is missing or not a regular file, too large, not an image, or shows no digit.</exception>
    public static DigitImageFile Load(string path, bool invert)
    {
        var bytes = ReadBounded(path);
        try
        {
            return FromBytes(bytes, path, invert);
        }
        catch (DataFormatException e)
        {
            throw new UserInputException($"Image {e.FilePath} {e.Problem}.", e);
        }
    }

    /// <summary>A picture file's bytes (read by the caller, within <see cref="MaxFileBytes"/>), converted; <paramref name="path"/> names it in errors.</summary>
    /// <exception cref="DataFormatException">The bytes are not an image, or it shows no digit.</exception>
    public static DigitImageFile FromBytes(byte[] bytes, string path, bool invert)
    {
        var picture = PictureFile.Decode(bytes, path, background: invert ? 255f : 0f);
        var grey = picture.Grey;
        bool darkOnLight = !invert && BorderMean(grey, picture.Width, picture.Height) > 127;
        if (invert)
        {
            DigitImage.Invert(grey);
        }

        try
        {
            return new DigitImageFile(DigitImage.ToMnist(grey, picture.Width, picture.Height), darkOnLight);
        }
        catch (ArgumentException)
        {
            throw new DataFormatException(path, darkOnLight
                ? "shows no light digit on a dark background; for a dark digit on light paper add --invert"
                : "shows no digit (nothing stands out from the background)");
        }
    }

    /// <summary>The file's bytes, at most <see cref="MaxFileBytes"/>.</summary>
    /// <exception cref="UserInputException">It is missing, not a regular file, too large or unreadable.</exception>
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
