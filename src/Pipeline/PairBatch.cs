namespace Siamese.Pipeline;

/// <summary>
/// A batch of image pairs: pair i is <c>Left[i*ImageSize ..]</c> and <c>Right[i*ImageSize ..]</c>, rescaled floats in
/// row-major order, with its label (1 same digit, 0 different) and both digits. Rented from a
/// <see cref="PairBatchPool"/>; give it back with <see cref="PairBatchPool.Return"/> once its data has been copied.
/// </summary>
public sealed class PairBatch
{
    public PairBatch(int capacity, int imageSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageSize);
        Capacity = capacity;
        ImageSize = imageSize;
        Left = new float[capacity * imageSize];
        Right = new float[capacity * imageSize];
        Labels = new float[capacity];
        LeftClasses = new int[capacity];
        RightClasses = new int[capacity];
    }

    public int Capacity { get; }

    public int ImageSize { get; }

    /// <summary>Pairs filled, from the start of every array.</summary>
    public int Count { get; internal set; }

    public float[] Left { get; }

    public float[] Right { get; }

    public float[] Labels { get; }

    public int[] LeftClasses { get; }

    public int[] RightClasses { get; }
}
