namespace Siamese.Pipeline;

/// <summary>Recycles the pairing stage's <see cref="ImageBlock"/>s; it grows to the number of blocks in flight and stays there.</summary>
internal sealed class ImageBlockPool
{
    private readonly Stack<ImageBlock> _free = new();

    public ImageBlockPool(int blockCapacity, int imageSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockCapacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageSize);
        BlockCapacity = blockCapacity;
        ImageSize = imageSize;
    }

    public int BlockCapacity { get; }

    public int ImageSize { get; }

    public ImageBlock Rent()
    {
        lock (_free)
        {
            if (_free.TryPop(out var block))
            {
                return block;
            }
        }

        return new ImageBlock(this, BlockCapacity, ImageSize);
    }

    public void Return(ImageBlock block)
    {
        lock (_free)
        {
            _free.Push(block);
        }
    }
}
