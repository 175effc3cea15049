namespace Siamese.Pipeline;

/// <summary>
/// A channel item between a producer and the pairing stage: a list of image slots, each a span of a batch's pixel
/// array. The pairing stage fills a block with the slots one class's next images go to and sends it to that class's
/// producer, which augments straight into them and hands the block back through its own channel; no image is copied.
/// </summary>
internal sealed class ImageBlock
{
    private readonly ImageBlockPool? _owner;
    private readonly float[]?[] _arrays;
    private readonly int[] _offsets;

    public ImageBlock(ImageBlockPool? owner, int capacity, int imageSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageSize);
        _owner = owner;
        Capacity = capacity;
        ImageSize = imageSize;
        _arrays = new float[capacity][];
        _offsets = new int[capacity];
    }

    public int Capacity { get; }

    public int ImageSize { get; }

    public int Count { get; private set; }

    public bool IsFull => Count == Capacity;

    /// <summary>Appends the slot <c>array[offset .. offset + ImageSize]</c>.</summary>
    public void Add(float[] array, int offset)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (IsFull)
        {
            throw new InvalidOperationException($"The block holds {Capacity} slots already.");
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, array.Length - ImageSize);
        _arrays[Count] = array;
        _offsets[Count] = offset;
        Count++;
    }

    public Span<float> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return _arrays[index].AsSpan(_offsets[index], ImageSize);
    }

    /// <summary>Forgets the slots, so the block can be filled again.</summary>
    public void Clear()
    {
        Array.Clear(_arrays, 0, Count);
        Count = 0;
    }

    /// <summary>Clears the block and gives it back to its pool, if it has one.</summary>
    public void Release()
    {
        Clear();
        _owner?.Return(this);
    }
}
