namespace Siamese.Pipeline.Data;

/// <summary>Train, validation and test images grouped per class, classes in ascending order.</summary>
public sealed record DatasetSplit(IReadOnlyList<ImageClass> Train, IReadOnlyList<ImageClass> Validation, IReadOnlyList<ImageClass> Test)
{
    /// <summary>
    /// Splits the training set into train and validation with a seeded shuffle (<c>round(n × fraction)</c>
    /// images go to validation); the test set stays whole. Classes are the labels present in the data.
    /// </summary>
    public static DatasetSplit Create(MnistDataset data, double validationFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        var (train, validation) = Partition(data.Train.Count, validationFraction, seed);
        return new DatasetSplit(GroupByClass(data.Train, train), GroupByClass(data.Train, validation), GroupByClass(data.Test, null));
    }

    /// <summary>
    /// Which of <paramref name="count"/> training images go to train and which to validation (<c>round(n × fraction)</c>
    /// of them, by a seeded shuffle), each list in file order.
    /// </summary>
    public static (int[] Train, int[] Validation) Partition(int count, double validationFraction, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(validationFraction, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(validationFraction, 1);
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        int validationCount = (int)Math.Round(count * validationFraction, MidpointRounding.AwayFromZero);
        var validation = order.AsSpan(0, validationCount).ToArray();
        var train = order.AsSpan(validationCount).ToArray();
        Array.Sort(validation);
        Array.Sort(train);
        return (train, validation);
    }

    /// <summary>The images at <paramref name="indices"/> (all when null), one <see cref="ImageClass"/> per label present.</summary>
    public static IReadOnlyList<ImageClass> GroupByClass(LabeledImages images, int[]? indices)
    {
        indices ??= Enumerable.Range(0, images.Count).ToArray();
        var counts = new int[256];
        foreach (var i in indices)
        {
            counts[images.Labels[i]]++;
        }

        var size = images.ImageSize;
        var buffers = new byte[256][];
        var filled = new int[256];
        var sets = new List<ImageClass>();
        for (int label = 0; label < 256; label++)
        {
            if (counts[label] > 0)
            {
                buffers[label] = new byte[counts[label] * size];
            }
        }

        foreach (var i in indices)
        {
            int label = images.Labels[i];
            images.Image(i).CopyTo(buffers[label].AsSpan(filled[label]++ * size));
        }

        for (int label = 0; label < 256; label++)
        {
            if (buffers[label] is { } pixels)
            {
                sets.Add(new ImageClass(label, images.Rows, images.Columns, pixels));
            }
        }

        return sets;
    }
}
