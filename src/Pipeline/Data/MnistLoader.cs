using System.Diagnostics;

namespace Siamese.Pipeline.Data;

/// <summary>Finds and loads MNIST from a <c>mnist.npz</c> or from the four IDX files (raw or .gz), validating it.</summary>
/// <remarks>
/// A data file name that is present but not a regular file (a directory, a named pipe, a device) counts as present,
/// so loading refuses it by name instead of looking elsewhere; sizes are limited by <see cref="DataLimits"/>.
/// </remarks>
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
        if (Path.Exists(npz))
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
        Path.Exists(Path.Combine(directory, MnistFiles.NpzName))
        || new[] { MnistFiles.TrainImages, MnistFiles.TrainLabels, MnistFiles.TestImages, MnistFiles.TestLabels }
            .All(name => FindIdx(directory, name) is not null);

    public static MnistDataset LoadNpz(string path)
    {
        var arrays = NpyReader.ReadNpz(path, ["x_train", "y_train", "x_test", "y_test"], (name, shape) => CheckShape(path, name, shape));
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
        Debug.Assert(rows > 0 && columns > 0 && (long)imageCount * rows * columns == pixels.Length, "IdxReader checks every dimension is at least 1.");
        if (imageCount != labels.Length)
        {
            throw new DataFormatException(imagesPath, $"holds {imageCount} images but {Path.GetFileName(labelsPath)} holds {labels.Length} labels");
        }

        CheckLabels(labelsPath, labels);
        return new LabeledImages(pixels, labels, rows, columns);
    }

    /// <summary>Refuses an array whose shape is not MNIST-like, before its data is read.</summary>
    private static void CheckShape(string path, string name, int[] shape)
    {
        bool images = name.StartsWith("x_", StringComparison.Ordinal);
        if (images && (shape.Length != 3 || shape[1] <= 0 || shape[2] <= 0))
        {
            throw new DataFormatException(path, $"array '{name}' has shape ({string.Join(", ", shape)}); expected (count, rows, columns)");
        }

        if (!images && shape.Length != 1)
        {
            throw new DataFormatException(path, $"array '{name}' has shape ({string.Join(", ", shape)}); expected (count,)");
        }

        if (shape[0] is < 1 or > DataLimits.MaxImages)
        {
            throw new DataFormatException(path, $"array '{name}' holds {shape[0]} {(images ? "images" : "labels")}; between 1 and {DataLimits.MaxImages} are accepted");
        }

        if (images && (shape[1] > DataLimits.MaxSide || shape[2] > DataLimits.MaxSide))
        {
            throw new DataFormatException(path, $"array '{name}' holds images of {shape[1]}x{shape[2]} pixels; rows and columns of at most {DataLimits.MaxSide} are accepted");
        }
    }

    private static LabeledImages FromArrays(string path, string imagesName, NpyArray images, string labelsName, NpyArray labels)
    {
        Debug.Assert(images.Shape.Length == 3 && labels.Shape.Length == 1, "CheckShape ran before the data was read.");
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
            if (Path.Exists(full))
            {
                return full;
            }
        }

        return null;
    }
}
