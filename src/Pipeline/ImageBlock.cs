namespace Siamese.Pipeline;

/// <summary>A producer's channel item: consecutive augmented images of one digit, returned to its pool once read.</summary>
internal sealed class ImageBlock
{
    private readonly ImageBlockPool _owner;

    public ImageBlock(ImageBlockPool owner, int capacity, int imageSize)
    {
        _owner = owner;
        Capacity = capacity;
        ImageSize = imageSize;
        Pixels = new float[capacity * imageSize];
    }

    public int Capacity { get; }

    public int ImageSize { get; }

    public int Count { get; set; }

    public float[] Pixels { get; }

    public Span<float> Image(int index) => Pixels.AsSpan(index * ImageSize, ImageSize);

    public void Release() => _owner.Return(this);
}
