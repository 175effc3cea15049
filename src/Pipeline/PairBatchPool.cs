namespace Siamese.Pipeline;

/// <summary>
/// Recycles <see cref="PairBatch"/>es of one shape between the pairing stage and the consumer, so a running stream
/// allocates no batches once the pool holds as many as are in flight. Thread-safe.
/// </summary>
public sealed class PairBatchPool
{
    private readonly Stack<PairBatch> _free = new();

    public PairBatchPool(int batchSize, int imageSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageSize);
        BatchSize = batchSize;
        ImageSize = imageSize;
    }

    public int BatchSize { get; }

    public int ImageSize { get; }

    public PairBatch Rent()
    {
        lock (_free)
        {
            if (_free.TryPop(out var batch))
            {
                batch.Count = 0;
                return batch;
            }
        }

        return new PairBatch(BatchSize, ImageSize);
    }

    /// <summary>Takes a batch back; it must not be used afterwards.</summary>
    public void Return(PairBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Capacity != BatchSize || batch.ImageSize != ImageSize)
        {
            throw new ArgumentException($"Batch of {batch.Capacity}x{batch.ImageSize} does not belong to a pool of {BatchSize}x{ImageSize}.", nameof(batch));
        }

        lock (_free)
        {
            _free.Push(batch);
        }
    }
}
