using Siamese.Host.Imaging;
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
    private readonly PreparedReferences _gallery;

    public ServedModel(SiameseModel model, ModelClasses classes, Gallery gallery, double threshold, string thresholdSource, ScoringSettings scoring)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(gallery);
        if (gallery.ImageSize != model.InputSize)
        {
            throw new ArgumentException($"The gallery's images have {gallery.ImageSize} pixels; the model takes {model.InputSize}.", nameof(gallery));
        }

        Model = model;
        _gallery = model.Prepare(gallery.Embeddings);
        Pictures = new ModelPicture(model.Options, invertDigits: false);
        Classes = classes;
        Gallery = gallery;
        Threshold = threshold;
        ThresholdSource = thresholdSource;
        _queue = new ScoringQueue(model, Search, scoring.MaxBatch, scoring.QueueCapacity, scoring.TorchThreads);
    }

    public SiameseModel Model { get; }

    /// <summary>How an uploaded or drawn picture becomes the model's input.</summary>
    public ModelPicture Pictures { get; }

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

    /// <summary>
    /// The <paramref name="k"/> gallery images most similar to <paramref name="image"/>, ranked by the model's own score,
    /// searched together with the other requests' searches waiting.
    /// </summary>
    public Task<GalleryMatch[]> SearchAsync(byte[] image, int k, CancellationToken cancellationToken) => _queue.SearchAsync(new SearchQuery(image, Math.Min(k, Gallery.Count)), cancellationToken);

    /// <inheritdoc cref="Place"/>
    public Task<(double X, double Y)[]> PlaceAsync(byte[] images, CancellationToken cancellationToken) => _queue.RunAsync(() => Place(images), cancellationToken);

    private float[] Embed(ReadOnlySpan<byte> images)
    {
        var output = new float[images.Length / InputSize * Model.EmbeddingSize];
        Model.Embed(images, output);
        return output;
    }

    /// <summary>
    /// Several searches in three model calls: the queries' embeddings, one ranking of the gallery (prepared once) for all
    /// of them, and the similarity of each query with its matches from their embeddings (the ones
    /// <c>/api/similarity</c> gives for the same two images, up to float rounding, without embedding the gallery again).
    /// </summary>
    private GalleryMatch[][] Search(IReadOnlyList<SearchQuery> queries)
    {
        int size = InputSize;
        int k = queries.Max(q => q.K);
        var images = new byte[queries.Count * size];
        for (int q = 0; q < queries.Count; q++)
        {
            queries[q].Image.CopyTo(images, q * size);
        }

        var found = new int[queries.Count * k];
        var embeddings = Embed(images);
        Model.Rank(embeddings, _gallery, [], found);
        int width = Model.EmbeddingSize;
        int pairs = queries.Sum(q => q.K);
        var lefts = new float[pairs * width];
        var rights = new float[pairs * width];
        int p = 0;
        for (int q = 0; q < queries.Count; q++)
        {
            for (int r = 0; r < queries[q].K; r++, p++)
            {
                embeddings.AsSpan(q * width, width).CopyTo(lefts.AsSpan(p * width));
                Gallery.Embeddings.AsSpan(found[(q * k) + r] * width, width).CopyTo(rights.AsSpan(p * width));
            }
        }

        var similarities = new float[pairs];
        Model.SimilaritiesOfEmbeddings(lefts, rights, similarities);
        var results = new GalleryMatch[queries.Count][];
        p = 0;
        for (int q = 0; q < queries.Count; q++)
        {
            results[q] = new GalleryMatch[queries[q].K];
            for (int r = 0; r < queries[q].K; r++, p++)
            {
                int index = found[(q * k) + r];
                results[q][r] = new GalleryMatch(r + 1, index, Gallery.Id(index), Gallery.ClassOf(index), similarities[p]);
            }
        }

        return results;
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
        _gallery.Dispose();
        Model.Dispose();
    }
}
