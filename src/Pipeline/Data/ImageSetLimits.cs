namespace Siamese.Pipeline.Data;

/// <summary>
/// The largest image set the product reads (a folder or zip of labelled pictures), each limit with what it costs.
/// Prepared images are held in memory as bytes (side² each), so the images and the side together bound memory.
/// Omniglot's full background set is 19,280 pictures of 964 classes: 17 MB at 28 × 28, 213 MB at 105 × 105.
/// </summary>
public static class ImageSetLimits
{
    /// <summary>Classes: each gets a producer and a channel while training (a few KB each).</summary>
    public const int MaxClasses = 100_000;

    /// <summary>Pictures in a set: 2,000,000 of 28 × 28 are 1.5 GB of prepared pixels.</summary>
    public const int MaxImages = 2_000_000;

    /// <summary>Prepared pixels in memory, images × side² bytes (2 GiB).</summary>
    public const long MaxPreparedBytes = 2L << 30;

    /// <summary>One picture file (64 MiB), read whole before decoding; its pixel size is checked from its header by the decoder.</summary>
    public const long MaxPictureBytes = 64L << 20;

    /// <summary>Entries in a zip (every file and folder it lists).</summary>
    public const int MaxEntries = 4_000_000;

    /// <summary>Bytes a zip's entries may declare once unpacked (16 GiB): read one picture at a time, so this bounds time, not memory.</summary>
    public const long MaxArchiveBytes = 16L << 30;

    /// <exception cref="DataFormatException">The set passes a limit; the message says which and what it would cost.</exception>
    public static void Check(string source, int classes, long images, int side)
    {
        if (classes > MaxClasses)
        {
            throw new DataFormatException(source, $"has {classes:N0} classes, more than the {MaxClasses:N0} an image set may have");
        }

        long bytes = images * side * side;
        if (bytes > MaxPreparedBytes)
        {
            throw new DataFormatException(source, $"has {images:N0} pictures, which at {side} × {side} need {bytes / (1 << 20):N0} MiB in memory, more than the {MaxPreparedBytes >> 30} GiB allowed; lower Data:ImageSide or use fewer pictures");
        }
    }

    /// <summary>Reads a stream that says it holds <paramref name="declared"/> bytes, refusing more than <see cref="MaxPictureBytes"/> and any stream that holds more than it declared.</summary>
    public static byte[] ReadBounded(Stream stream, long declared, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (declared > MaxPictureBytes)
        {
            throw new DataFormatException(name, $"is {declared:N0} bytes; picture files of at most {MaxPictureBytes >> 20} MiB are read");
        }

        var bytes = new byte[declared];
        int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (read < bytes.Length)
        {
            throw new DataFormatException(name, $"ends after {read:N0} of the {declared:N0} bytes it declares");
        }

        if (stream.ReadByte() >= 0)
        {
            throw new DataFormatException(name, $"holds more than the {declared:N0} bytes it declares");
        }

        return bytes;
    }
}
