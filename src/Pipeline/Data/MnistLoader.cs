namespace Siamese.Pipeline.Data;

/// <summary>Finds and loads MNIST from a <c>mnist.npz</c> or from the four IDX files (raw or .gz), validating it.</summary>
public static class MnistLoader
{
    public const int MaxLabel = 9;

    /// <summary>The dataset at <paramref name="path"/> (an .npz file or a folder), or null when the folder holds none.</summary>
    public static MnistDataset? TryLoad(string path)
    {
        if (File.Exists(path))
        {
            return LoadNpz(path);
        }

        if (!Directory.Exists(path))
        {
            return null;
        }

        var npz = Path.Combine(path, MnistFiles.NpzName);
        if (File.Exists(npz))
        {
            return LoadNpz(npz);
        }

        var idx = new[] { MnistFiles.TrainImages, MnistFiles.TrainLabels, MnistFiles.TestImages, MnistFiles.TestLabels }
            .Select(name => FindIdx(path, name))
            .ToArray();
        if (idx.Any(file => file is null))
        {
            return null;
        }

        return new MnistDataset(
            LoadIdxPair(idx[0]!, idx[1]!),
            LoadIdxPair(idx[2]!, idx[3]!),
            path);
    }

    /// <summary>True when <paramref name="directory"/> holds a complete dataset (without reading it).</summary>
    public static bool IsPresent(string directory) =>
        File.Exists(Path.Combine(directory, MnistFiles.NpzName))
        || new[] { MnistFiles.TrainImages, MnistFiles.TrainLabels, MnistFiles.TestImages, MnistFiles.TestLabels }
            .All(name => FindIdx(directory, name) is not null);

    public static MnistDataset LoadNpz(string path)
    {
        var arrays = NpyReader.ReadNpz(path, "x_train", "y_train", "x_test", "y_test");
        return new MnistDataset(
            FromArrays(path, "x_train", arrays["x_train"], "y_train", arrays["y_train"]),
            FromArrays(path, "x_test", arrays["x_test"], "y_test", arrays["y_test"]),
            path);
    }

    public static LabeledImages LoadIdxPair(string imagesPath, string labelsPath)
    {
        var (pixels, rows, columns) = IdxReader.ReadImages(imagesPath);
        var labels = IdxReader.ReadLabels(labelsPath);
        int imageCount = pixels.Length / (rows * columns);
        if (imageCount != labels.Length)
        {
            throw new DataFormatException(imagesPath, $"holds {imageCount} images but {Path.GetFileName(labelsPath)} holds {labels.Length} labels");
        }

        CheckLabels(labelsPath, labels);
        return new LabeledImages(pixels, labels, rows, columns);
    }

    private static LabeledImages FromArrays(string path, string imagesName, NpyArray images, string labelsName, NpyArray labels)
    {
        if (images.Shape.Length != 3 || images.Shape[1] <= 0 || images.Shape[2] <= 0)
        {
            throw new DataFormatException(path, $"array '{imagesName}' has shape ({string.Join(", ", images.Shape)}); expected (count, rows, columns)");
        }

        if (labels.Shape.Length != 1)
        {
            throw new DataFormatException(path, $"array '{labelsName}' has shape ({string.Join(", ", labels.Shape)}); expected (count,)");
        }

        if (images.Shape[0] != labels.Shape[0])
        {
            throw new DataFormatException(path, $"'{imagesName}' holds {images.Shape[0]} images but '{labelsName}' holds {labels.Shape[0]} labels");
        }

        CheckLabels($"{path}[{labelsName}]", labels.Data);
        return new LabeledImages(images.Data, labels.Data, images.Shape[1], images.Shape[2]);
    }

    private static void CheckLabels(string path, byte[] labels)
    {
        int bad = Array.FindIndex(labels, l => l > MaxLabel);
        if (bad >= 0)
        {
            throw new DataFormatException(path, $"label {labels[bad]} at index {bad} is outside 0-{MaxLabel}");
        }
    }

    private static string? FindIdx(string directory, string name)
    {
        // Also accept the dotted spelling some mirrors use (train-images.idx3-ubyte).
        var dotted = name.Replace("-idx", ".idx", StringComparison.Ordinal);
        foreach (var candidate in new[] { name, name + ".gz", dotted, dotted + ".gz" })
        {
            var full = Path.Combine(directory, candidate);
            if (File.Exists(full))
            {
                return full;
            }
        }

        return null;
    }
}
