using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>
/// Scoring many pairs over fewer images (a test set's 10,000 pairs over its 10,000 images): each image's embedding
/// once, then each pair from its two embeddings — half the tower passes of scoring the pairs' images, and the same
/// similarities up to float rounding.
/// </summary>
public static class EmbeddingScoring
{
    private const int Chunk = 1024;

    /// <summary>The embeddings (the tower's output, in evaluation mode) of <c>images.Length / InputSize</c> images, row-major into <paramref name="embeddings"/>.</summary>
    public static void Embed(this SiameseTrainer trainer, ReadOnlySpan<float> images, Span<float> embeddings)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ObjectDisposedException.ThrowIf(trainer.IsDisposed, trainer);
        int size = trainer.Options.InputSize;
        int width = trainer.EmbeddingSize;
        int count = images.Length / size;
        if (images.Length != (long)count * size || embeddings.Length != (long)count * width)
        {
            throw new ArgumentException($"{count} images of {size} values need {count * width} embedding values; got {images.Length} and {embeddings.Length}.");
        }

        var network = trainer.Network;
        network.eval();
        try
        {
            using var noGrad = no_grad();
            for (int start = 0; start < count; start += Chunk)
            {
                int n = Math.Min(Chunk, count - start);
                using var scope = NewDisposeScope();
                Tensor embedded = network.EmbedRows(tensor(images.Slice(start * size, n * size).ToArray()).view(n, size)).contiguous();
                MemoryMarshal.Cast<byte, float>(embedded.bytes).CopyTo(embeddings.Slice(start * width, n * width));
            }
        }
        finally
        {
            network.train();
        }
    }

    /// <summary>Each pair's similarity from the two images' embeddings, as <see cref="Embed"/> gives them.</summary>
    public static void SimilaritiesOfEmbeddings(this SiameseTrainer trainer, ReadOnlySpan<float> left, ReadOnlySpan<float> right, Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ObjectDisposedException.ThrowIf(trainer.IsDisposed, trainer);
        int count = output.Length;
        int width = trainer.EmbeddingSize;
        if (left.Length != (long)count * width || right.Length != (long)count * width)
        {
            throw new ArgumentException($"{count} pairs need {count * width} embedding values per side; got {left.Length} and {right.Length}.");
        }

        var network = trainer.Network;
        using var noGrad = no_grad();
        var stacked = new float[2 * Math.Min(Chunk, count) * width];
        for (int start = 0; start < count; start += Chunk)
        {
            int n = Math.Min(Chunk, count - start);
            using var scope = NewDisposeScope();
            left.Slice(start * width, n * width).CopyTo(stacked);
            right.Slice(start * width, n * width).CopyTo(stacked.AsSpan(n * width));
            Tensor similarity = network.Similarity(network.ScoreEmbeddings(tensor(stacked.AsSpan(0, 2 * n * width).ToArray()).view(2 * n, width)));
            MemoryMarshal.Cast<byte, float>(similarity.bytes).CopyTo(output.Slice(start, n));
        }
    }
}
