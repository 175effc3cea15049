using Siamese.Model;

namespace Siamese.Host.Serving;

/// <summary>How the scoring thread runs: pairs per call, jobs waiting at most, libtorch threads.</summary>
internal sealed record ScoringSettings(int MaxBatch, int QueueCapacity, int TorchThreads);

/// <summary>One gallery image a search found: its place in the gallery, class and similarity to the query.</summary>
internal sealed record GalleryMatch(int Rank, int Index, string Id, string Class, float Similarity);

/// <summary>
/// What <c>serve</c> scores with: the model (every score goes through <see cref="SiameseModel"/>, on the one thread of
/// its <see cref="ScoringQueue"/>), its classes, its decision threshold and the gallery searched. Safe to call from many
/// requests at once.
/// </summary>
internal sealed class ServedModel : IDisposable
{
    private readonly ScoringQueue _queue;

    public ServedModel(SiameseModel model, ModelClasses classes, Gallery gallery, double threshold, string thresholdSource, ScoringSettings scoring)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(gallery);
        if (gallery.ImageSize != model.InputSize)
        {
            throw new ArgumentException($"The gallery's images have {gallery.ImageSize} pixels; the model takes {model.InputSize}.", nameof(gallery));
        }

        Model = model;
        Classes = classes;
        Gallery = gallery;
        Threshold = threshold;
        ThresholdSource = thresholdSource;
        _queue = new ScoringQueue(model, scoring.MaxBatch, scoring.QueueCapacity, scoring.TorchThreads);
    }

    public SiameseModel Model { get; }

    public ModelClasses Classes { get; }

    public Gallery Gallery { get; }

    /// <summary>Similarity above which two images are the same class.</summary>
    public double Threshold { get; }

    /// <summary>Where <see cref="Threshold"/> came from (a calibrated evaluation, or <c>Evaluation:Threshold</c>).</summary>
    public string ThresholdSource { get; }

    /// <summary>Pixels per image.</summary>
    public int InputSize => Model.InputSize;

    /// <summary>The side of the square images the model takes.</summary>
    public int ImageSide => Model.Options.ImageSide;

    /// <summary>The similarity of two raw 0–255 images, scored together with the other requests' pairs waiting.</summary>
    public Task<float> SimilarityAsync(byte[] left, byte[] right, CancellationToken cancellationToken) => _queue.SimilarityAsync(left, right, cancellationToken);

    /// <summary>Row-major [N, D] embeddings of raw 0–255 images.</summary>
    public Task<float[]> EmbedAsync(byte[] images, CancellationToken cancellationToken) => _queue.RunAsync(() => Embed(images), cancellationToken);

    /// <inheritdoc cref="Search"/>
    public Task<GalleryMatch[]> SearchAsync(byte[] image, int k, CancellationToken cancellationToken) => _queue.RunAsync(() => Search(image, k), cancellationToken);

    /// <inheritdoc cref="Place"/>
    public Task<(double X, double Y)[]> PlaceAsync(byte[] images, CancellationToken cancellationToken) => _queue.RunAsync(() => Place(images), cancellationToken);

    private float[] Embed(ReadOnlySpan<byte> images)
    {
        var output = new float[images.Length / InputSize * Model.EmbeddingSize];
        Model.Embed(images, output);
        return output;
    }

    /// <summary>
    /// The <paramref name="k"/> gallery images most similar to <paramref name="image"/>, ranked by the model's own score;
    /// the similarities are the pairwise ones <c>/api/similarity</c> gives for the same two images.
    /// </summary>
    private GalleryMatch[] Search(ReadOnlySpan<byte> image, int k)
    {
        k = Math.Min(k, Gallery.Count);
        var found = new int[k];
        Model.Rank(Embed(image), Gallery.Embeddings, [], found);
        var lefts = new byte[k * InputSize];
        var rights = new byte[k * InputSize];
        for (int r = 0; r < k; r++)
        {
            image.CopyTo(lefts.AsSpan(r * InputSize));
            Gallery.Image(found[r]).CopyTo(rights.AsSpan(r * InputSize));
        }

        var similarities = Model.Similarities(lefts, rights);
        return [.. found.Select((index, r) => new GalleryMatch(r + 1, index, Gallery.Id(index), Gallery.ClassOf(index), similarities[r]))];
    }

    /// <summary>Where each image's embedding falls on the gallery's map.</summary>
    private (double X, double Y)[] Place(ReadOnlySpan<byte> images)
    {
        var embeddings = Embed(images);
        int width = Model.EmbeddingSize;
        return [.. Enumerable.Range(0, embeddings.Length / width).Select(i => Gallery.Map.Place(embeddings.AsSpan(i * width, width)))];
    }

    public void Dispose()
    {
        _queue.Dispose();
        Model.Dispose();
    }
}
