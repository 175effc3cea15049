using Siamese.Pipeline.Data;
using SkiaSharp;

namespace Siamese.Host.Imaging;

/// <summary>
/// A PNG or JPEG picture's bytes decoded to luminance, grey or colour, with or without alpha: the one decoder behind a
/// user's digit picture and every picture of an image set. Its size is checked from its header before it is decoded.
/// </summary>
internal static class PictureFile
{
    /// <summary>
    /// Pictures wider or taller than this are refused from their header, before decoding: 4096×4096 decodes to 64 MiB
    /// (and about three times that while it is converted).
    /// </summary>
    public const int MaxSide = 4096;

    /// <summary>Luminance (Rec. 601) of each pixel, 0–255; transparent parts count as <paramref name="background"/>.</summary>
    /// <param name="maxSide">Pictures wider or taller are refused from their header (at most <see cref="MaxSide"/>).</param>
    /// <exception cref="DataFormatException">The bytes are not a PNG or JPEG picture, or it is larger than <paramref name="maxSide"/>; the message names <paramref name="name"/>.</exception>
    public static GreyPicture Decode(byte[] bytes, string name, float background, int maxSide = MaxSide)
    {
        maxSide = Math.Min(maxSide, MaxSide);
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw NotAPicture(name);
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width < 1 || width > maxSide || height < 1 || height > maxSide)
        {
            throw new DataFormatException(name, $"is {width}×{height} pixels; pictures of at most {maxSide}×{maxSide} are accepted (scale it down first)");
        }

        // As SKBitmap.Decode(codec), which also keeps a truncated picture (IncompleteInput) with its missing rows blank.
        var info = codec.Info;
        if (info.AlphaType == SKAlphaType.Unpremul)
        {
            info.AlphaType = SKAlphaType.Premul;
        }

        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            throw result == SKCodecResult.IncompleteInput
                ? new DataFormatException(name, "is truncated (its picture data ends early)")
                : NotAPicture(name);
        }

        var colours = bitmap.Pixels;
        var grey = new float[colours.Length];
        for (int i = 0; i < colours.Length; i++)
        {
            var colour = colours[i];
            float luminance = (0.299f * colour.Red) + (0.587f * colour.Green) + (0.114f * colour.Blue);
            float alpha = colour.Alpha / 255f;
            grey[i] = (luminance * alpha) + (background * (1 - alpha));
        }

        return new GreyPicture(grey, bitmap.Width, bitmap.Height);
    }

    /// <summary>The decoder for an image set: transparent parts are paper (white when the set is inverted, else black).</summary>
    public static PictureDecoder ForImageSet(bool invert) => (bytes, name) => Decode(bytes, name, invert ? 255f : 0f);

    private static DataFormatException NotAPicture(string name) => new(name, "is not a PNG or JPEG picture (it cannot be decoded)");
}
