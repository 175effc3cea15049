using Siamese.Model;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Evaluation;

/// <summary>One image of a set, by its index: raw 0–255 pixels, row-major.</summary>
internal delegate ReadOnlySpan<byte> ImageAt(int index);

/// <summary>Images to embed: how many, each by index, and their labels.</summary>
internal sealed record IndexedImages(int Count, ImageAt Image, int[] Labels)
{
    /// <summary>The images of classes, class after class (a split's test images), labelled by their class labels (any number of classes).</summary>
    public static IndexedImages FromClasses(IReadOnlyList<ImageClass> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        var owners = classes.SelectMany((set, c) => Enumerable.Range(0, set.Count).Select(i => (Class: c, Index: i))).ToArray();
        var labels = owners.Select(o => classes[o.Class].Label).ToArray();
        return new IndexedImages(owners.Length, i => classes[owners[i].Class].Image(owners[i].Index), labels);
    }
}

/// <summary>The embeddings of a whole image set, a chunk of images (<see cref="SiameseModel.ChunkImages"/>) at a time with the token checked before each.</summary>
internal static class Embeddings
{
    /// <summary>Row-major [Count, <see cref="SiameseModel.EmbeddingSize"/>]; pixels scaled by the model's own <see cref="ModelOptions.Rescale"/>.</summary>
    public static float[] Compute(SiameseModel model, IndexedImages images, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        int size = model.InputSize;
        int width = model.EmbeddingSize;
        var output = new float[(long)images.Count * width];
        int chunk = model.ChunkImages;
        var staging = new byte[Math.Min(chunk, images.Count) * size];
        for (int start = 0; start < images.Count; start += chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(chunk, images.Count - start);
            for (int i = 0; i < n; i++)
            {
                var image = images.Image(start + i);
                if (image.Length != size)
                {
                    throw new ArgumentException($"The model takes {size} pixels per image; image {start + i} has {image.Length}.", nameof(images));
                }

                image.CopyTo(staging.AsSpan(i * size, size));
            }

            model.Embed(staging.AsSpan(0, n * size), output.AsSpan(start * width, n * width));
        }

        return output;
    }
}
