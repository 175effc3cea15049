using Siamese.Host.Cli;
using Siamese.Host.Evaluation;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Commands;

/// <summary>The MNIST images a digit spec can name: the test set in file order, and the training file with the train/validation split.</summary>
internal sealed record DigitLibrary(LabeledImages Test, LabeledImages? TrainFile, int[] TrainIndices, int[] ValidationIndices)
{
    /// <summary>Loads the dataset (fetching it when missing) and splits the training file as training runs do (<c>Data:ValidationFraction</c>, <c>Data:SplitSeed</c>).</summary>
    public static async Task<DigitLibrary> LoadAsync(CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = await context.LoadDatasetAsync(cancellationToken).ConfigureAwait(false);
        return Create(data, context.Options<DataOptions>());
    }

    /// <summary>The library of a loaded dataset, its training file split as training runs split it.</summary>
    public static DigitLibrary Create(MnistDataset data, DataOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var (train, validation) = DatasetSplit.Partition(data.Train.Count, options.ValidationFraction, options.SplitSeed);
        return new DigitLibrary(data.Test, data.Train, train, validation);
    }

    /// <summary>A library of test images only (for tests).</summary>
    public static DigitLibrary TestOnly(LabeledImages test) => new(test, null, [], []);

    /// <summary>The images of a split in file order, so that image i is <c>&lt;split&gt;:i</c>.</summary>
    public IndexedImages Images(string split)
    {
        if (split == DigitSource.TestSplit)
        {
            return new IndexedImages(Test.Count, Test.Image, [.. Test.Labels.Select(l => (int)l)]);
        }

        var indices = split == DigitSource.TrainSplit ? TrainIndices : split == DigitSource.ValidationSplit ? ValidationIndices
            : throw new ArgumentException($"Unknown split '{split}'.", nameof(split));
        var file = TrainFile!;
        return new IndexedImages(indices.Length, i => file.Image(indices[i]), indices.Select(i => (int)file.Labels[i]).ToArray());
    }
}
