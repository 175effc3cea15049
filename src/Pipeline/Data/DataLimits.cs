namespace Siamese.Pipeline.Data;

/// <summary>
/// The largest data the MNIST readers accept. Every size a file declares (IDX dimensions, a .npy header's length and
/// shape, a zip entry's length) is checked against these and against the file's real length before anything is
/// allocated, so a hostile or corrupt file costs at most these amounts of memory, never what its header claims.
/// MNIST itself is 70,000 images of 28×28 (55 MB of pixels), far inside every limit.
/// </summary>
public static class DataLimits
{
    /// <summary>Rows and columns of one image: MNIST has 28; 1024 leaves room for any digit-sized data set.</summary>
    public const int MaxSide = 1024;

    /// <summary>Images (and labels) in one file or array: MNIST's training set has 60,000.</summary>
    public const int MaxImages = 10_000_000;

    /// <summary>Bytes in one file's or array's data (512 MiB): the most one read may allocate.</summary>
    public const long MaxDataBytes = 512L << 20;

    /// <summary>Length of a .npy header dictionary (64 KiB; NumPy writes a few hundred bytes, padded to 64).</summary>
    public const int MaxNpyHeaderLength = 64 << 10;

    /// <summary>
    /// Deflate's largest expansion (one 258-byte match per two bits): a gzip file of n bytes cannot hold more than
    /// n × this, so a header promising more is refused before anything is read.
    /// </summary>
    public const int MaxDeflateRatio = 1032;
}
