namespace Siamese.Pipeline.Data;

/// <summary>
/// All images of one class, stored contiguously as raw 0–255 bytes, row-major, <see cref="Height"/> × <see cref="Width"/>
/// per image: an MNIST digit, or a folder of a user's images (an Omniglot character).
/// </summary>
public sealed class ImageClass
{
    private readonly byte[] _pixels;

    /// <param name="label">The class's number: the digit for MNIST, the class's position in the dataset otherwise.</param>
    /// <param name="name">What the class is called (the folder's name); the label's digits when null.</param>
    /// <param name="group">The group the class belongs to (an Omniglot alphabet), or null.</param>
    public ImageClass(int label, int height, int width, byte[] pixels, string? name = null, string? group = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (pixels.Length % (height * width) != 0)
        {
            throw new ArgumentException($"Pixel buffer length {pixels.Length} is not a multiple of {height}x{width}.", nameof(pixels));
        }

        Label = label;
        Name = name ?? label.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Group = group;
        Height = height;
        Width = width;
        _pixels = pixels;
        Count = pixels.Length / (height * width);
    }

    /// <summary>The class's number, unique in its dataset: it seeds the class's producer and labels its images in a batch.</summary>
    public int Label { get; }

    public string Name { get; }

    public string? Group { get; }

    public int Height { get; }

    public int Width { get; }

    public int ImageSize => Height * Width;

    public int Count { get; }

    public ReadOnlyMemory<byte> Pixels => _pixels;

    public ReadOnlySpan<byte> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _pixels.AsSpan(index * ImageSize, ImageSize);
    }

    /// <summary>The same class with only the images at <paramref name="indices"/>, in that order.</summary>
    public ImageClass Subset(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var pixels = new byte[indices.Count * ImageSize];
        for (int i = 0; i < indices.Count; i++)
        {
            Image(indices[i]).CopyTo(pixels.AsSpan(i * ImageSize));
        }

        return new ImageClass(Label, Height, Width, pixels, Name, Group);
    }
}
