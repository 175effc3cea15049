namespace Siamese.Pipeline.Data;

/// <summary>
/// All images of one class (digit), stored contiguously as raw 0–255 bytes, row-major,
/// <see cref="Height"/> × <see cref="Width"/> per image.
/// </summary>
public sealed class DigitSet
{
    private readonly byte[] _pixels;

    public DigitSet(int digit, int height, int width, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (pixels.Length % (height * width) != 0)
        {
            throw new ArgumentException($"Pixel buffer length {pixels.Length} is not a multiple of {height}x{width}.", nameof(pixels));
        }

        Digit = digit;
        Height = height;
        Width = width;
        _pixels = pixels;
        Count = pixels.Length / (height * width);
    }

    public int Digit { get; }

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
}
