namespace Siamese.Pipeline;

/// <summary>
/// Decides which classes each pair of a batch is drawn from, like the tutorial's <c>join_generator</c>: the first
/// ceil(B/2) pairs take both images from one class drawn uniformly, the rest from two distinct classes drawn uniformly
/// (the ordered pair is uniform over all k(k − 1) choices; with <c>sortDifferent</c> the smaller class goes left, as
/// the tutorial's <c>sort(sample(…, 2))</c> puts it).
/// </summary>
internal sealed class PairSampler
{
    private readonly Random _random;
    private readonly bool _sortDifferent;

    public PairSampler(Random random, int classCount, int batchSize, bool sortDifferent = false)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 2);
        _random = random;
        _sortDifferent = sortDifferent;
        ClassCount = classCount;
        BatchSize = batchSize;
    }

    public int ClassCount { get; }

    public int BatchSize { get; }

    public int Positives => (BatchSize + 1) / 2;

    /// <summary>Fills the class index of each pair's left and right image.</summary>
    public void Next(Span<int> left, Span<int> right)
    {
        for (int i = 0; i < Positives; i++)
        {
            left[i] = right[i] = _random.Next(ClassCount);
        }

        for (int i = Positives; i < BatchSize; i++)
        {
            int a = _random.Next(ClassCount);
            int b = _random.Next(ClassCount - 1);
            b = b >= a ? b + 1 : b;
            (left[i], right[i]) = _sortDifferent && b < a ? (b, a) : (a, b);
        }
    }

    /// <summary>Draws <paramref name="batches"/> batches and adds to <paramref name="demand"/> how many images each class gave.</summary>
    public void Skip(long batches, Span<long> demand)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batches);
        var left = new int[BatchSize];
        var right = new int[BatchSize];
        for (long b = 0; b < batches; b++)
        {
            Next(left, right);
            for (int i = 0; i < BatchSize; i++)
            {
                demand[left[i]]++;
                demand[right[i]]++;
            }
        }
    }
}
