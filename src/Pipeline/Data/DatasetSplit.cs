namespace Siamese.Pipeline.Data;

/// <summary>Train, validation and test images grouped per class, classes in ascending order of label.</summary>
public sealed record DatasetSplit(IReadOnlyList<ImageClass> Train, IReadOnlyList<ImageClass> Validation, IReadOnlyList<ImageClass> Test)
{
    /// <summary>No class is in two parts (a split by class or group).</summary>
    public bool ClassesDisjoint => !Train.Select(c => c.Label).Intersect(Validation.Concat(Test).Select(c => c.Label)).Any()
        && !Validation.Select(c => c.Label).Intersect(Test.Select(c => c.Label)).Any();

    /// <summary>
    /// The same split with each training class also turned by 90°, 180° and 270° as three new classes (labelled past
    /// every label of the data), which quadruples the classes to learn from; validation and test are left as they are.
    /// </summary>
    public DatasetSplit WithTurnedTrainingClasses()
    {
        int offset = Train.Concat(Validation).Concat(Test).Max(c => c.Label) + 1;
        var turned = Train.Concat(Enumerable.Range(1, 3).SelectMany(t => Train.Select(c => c.Turned(t, c.Label + (t * offset))))).ToList();
        return this with { Train = turned };
    }

    /// <summary>
    /// MNIST split by class: the digits are dealt (seeded) into training, validation and test digits; training and
    /// validation digits take their images from the training file, test digits from the test file.
    /// </summary>
    public static DatasetSplit ByClass(MnistDataset data, double validationFraction, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        var train = GroupByClass(data.Train, null);
        var test = GroupByClass(data.Test, null);
        var (trainLabels, validationLabels, testLabels) = Deal(train.Select(c => c.Label).ToArray(), validationFraction, testFraction, seed);
        return new DatasetSplit(
            train.Where(c => trainLabels.Contains(c.Label)).ToList(),
            train.Where(c => validationLabels.Contains(c.Label)).ToList(),
            test.Where(c => testLabels.Contains(c.Label)).ToList());
    }

    /// <summary>
    /// An image set split as <paramref name="kind"/> says: each class's images shared out (seeded per class), or whole
    /// classes, or whole groups, dealt (seeded) into training, validation and test.
    /// </summary>
    public static DatasetSplit Create(IReadOnlyList<ImageClass> classes, SplitKind kind, double validationFraction, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(classes);
        switch (kind)
        {
            case SplitKind.Images:
            {
                var parts = classes.Select(c => SplitImages(c, validationFraction, testFraction, seed)).ToList();
                return new DatasetSplit(
                    [.. parts.Select(p => p.Train).Where(c => c.Count > 0)],
                    [.. parts.Select(p => p.Validation).Where(c => c.Count > 0)],
                    [.. parts.Select(p => p.Test).Where(c => c.Count > 0)]);
            }

            case SplitKind.Classes:
            {
                var (train, validation, test) = Deal(classes.Select(c => c.Label).ToArray(), validationFraction, testFraction, seed);
                return new DatasetSplit(
                    [.. classes.Where(c => train.Contains(c.Label))],
                    [.. classes.Where(c => validation.Contains(c.Label))],
                    [.. classes.Where(c => test.Contains(c.Label))]);
            }

            case SplitKind.Groups:
            {
                if (classes.Any(c => c.Group is null))
                {
                    throw new ArgumentException("A split by group needs every class in a group (<group>/<class>/<picture>).", nameof(kind));
                }

                var groups = classes.Select(c => c.Group!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
                var (train, validation, test) = Deal(Enumerable.Range(0, groups.Length).ToArray(), validationFraction, testFraction, seed);
                bool In(HashSet<int> part, ImageClass c) => part.Contains(Array.IndexOf(groups, c.Group));
                return new DatasetSplit(
                    [.. classes.Where(c => In(train, c))],
                    [.. classes.Where(c => In(validation, c))],
                    [.. classes.Where(c => In(test, c))]);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    /// <summary>
    /// Deals <paramref name="items"/> by a seeded shuffle: round(n × test) to test (at least one when the fraction is
    /// above 0), then round(n × validation) to validation (likewise), the rest to training.
    /// </summary>
    public static (HashSet<int> Train, HashSet<int> Validation, HashSet<int> Test) Deal(int[] items, double validationFraction, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(items);
        var order = items.ToArray();
        new Random(seed).Shuffle(order);
        int test = Share(order.Length, testFraction);
        int validation = Share(order.Length, validationFraction);
        return ([.. order.Skip(test + validation)], [.. order.Skip(test).Take(validation)], [.. order.Take(test)]);
    }

    private static int Share(int count, double fraction) =>
        fraction <= 0 ? 0 : Math.Max(1, (int)Math.Round(count * fraction, MidpointRounding.AwayFromZero));

    /// <summary>One class's images shared out by a shuffle seeded by the split's seed and the class's label.</summary>
    private static (ImageClass Train, ImageClass Validation, ImageClass Test) SplitImages(ImageClass images, double validationFraction, double testFraction, int seed)
    {
        var order = Enumerable.Range(0, images.Count).ToArray();
        new Random(SeedDerivation.Derive(seed, images.Label)).Shuffle(order);
        int test = (int)Math.Round(images.Count * testFraction, MidpointRounding.AwayFromZero);
        int validation = (int)Math.Round(images.Count * validationFraction, MidpointRounding.AwayFromZero);
        // Training keeps two images of every class, so that it can make a same-class pair of it.
        int shared = Math.Max(0, images.Count - 2);
        test = Math.Min(test, shared);
        validation = Math.Min(validation, shared - test);

        int[] Sorted(IEnumerable<int> indices) => [.. indices.Order()];
        return (
            images.Subset(Sorted(order.Skip(test + validation))),
            images.Subset(Sorted(order.Skip(test).Take(validation))),
            images.Subset(Sorted(order.Take(test))));
    }

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
        ArgumentOutOfRangeException.ThrowIfLessThan(validationFraction, 0);
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
