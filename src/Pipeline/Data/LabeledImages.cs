namespace Siamese.Pipeline.Data;

/// <summary>Images (0–255, row-major, <see cref="Rows"/> × <see cref="Columns"/> each) with one label per image.</summary>
public sealed record LabeledImages(byte[] Pixels, byte[] Labels, int Rows, int Columns)
{
    public int Count => Labels.Length;

    public int ImageSize => Rows * Columns;

    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * ImageSize, ImageSize);
}

/// <summary>The MNIST training and test sets as loaded, with where they came from.</summary>
public sealed record MnistDataset(LabeledImages Train, LabeledImages Test, string Source);
