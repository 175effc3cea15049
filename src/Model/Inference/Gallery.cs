namespace Siamese.Model;

/// <summary>What <see cref="Gallery.Identify"/> answers for one image.</summary>
/// <param name="Class">The enrolled class most similar to the image (its best image's similarity, see <see cref="Gallery"/>).</param>
/// <param name="Similarity">That class's similarity, in [0, 1].</param>
/// <param name="RunnerUp">The next most similar class; null when only one class is enrolled.</param>
/// <param name="RunnerUpSimilarity">Its similarity; NaN when there is no runner-up.</param>
/// <param name="IsUnknown">The best similarity is not above <see cref="Gallery.Threshold"/>: the image is of none of the enrolled classes.</param>
public sealed record Identification(string Class, float Similarity, string? RunnerUp, float RunnerUpSimilarity, bool IsUnknown);

/// <summary>
/// Classes the model never saw in training, enrolled from one or more images each, and the images to identify among
/// them. Enrolment embeds each image once; an image to identify is embedded once and scored against every enrolled
/// image (from the two embeddings, through <see cref="SiameseModel.SimilaritiesOfEmbeddings"/>), and a class scores
/// the best similarity of its images. The best class wins; of classes with equal scores, the one enrolled first. It is
/// "unknown" unless its similarity is above <see cref="Threshold"/> (the rule a pair's "same" follows: above the
/// threshold), so a calibrated threshold (<c>evaluate</c>'s) rejects what matches no enrolled class well enough.
/// </summary>
/// <remarks>
/// Images are raw 0–255 bytes of <see cref="SiameseModel.InputSize"/> pixels each, prepared as the model's training
/// images were (the model scales them by its recorded rescale). The gallery borrows the model: dispose the model, not
/// the gallery. Every member is safe to call from several threads; an identification sees the classes enrolled before it began.
/// </remarks>
public sealed class Gallery
{
    private readonly SiameseModel model;
    private readonly Lock gate = new();
    private readonly List<string> classes = [];
    private readonly Dictionary<string, int> classIndex = new(StringComparer.Ordinal);
    private float[] embeddings = [];
    private int[] imageClass = [];
    private int imageCount;

    /// <param name="model">Scores the images; it stays the caller's to dispose.</param>
    /// <param name="threshold">The similarity a best class must pass to be known (see <see cref="Identification.IsUnknown"/>).</param>
    public Gallery(SiameseModel model, double threshold)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!double.IsFinite(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be a finite number.");
        }

        this.model = model;
        Threshold = threshold;
    }

    /// <summary>The similarity a best class must pass to be known.</summary>
    public double Threshold { get; }

    /// <summary>The enrolled classes, in order of enrolment.</summary>
    public IReadOnlyList<string> Classes
    {
        get
        {
            lock (gate)
            {
                return [.. classes];
            }
        }
    }

    /// <summary>Images enrolled, over all classes.</summary>
    public int ImageCount
    {
        get
        {
            lock (gate)
            {
                return imageCount;
            }
        }
    }

    /// <summary>Enrols <paramref name="images"/> (one or more, one after another) as images of <paramref name="label"/>; a label enrolled before gets more images.</summary>
    public void Enrol(string label, ReadOnlySpan<byte> images)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        int count = Count(images.Length, nameof(images));
        if (count == 0)
        {
            throw new ArgumentException("Enrol at least one image.", nameof(images));
        }

        var embedded = new float[count * model.EmbeddingSize];
        model.Embed(images, embedded);
        lock (gate)
        {
            if (!classIndex.TryGetValue(label, out int index))
            {
                index = classes.Count;
                classes.Add(label);
                classIndex.Add(label, index);
            }

            int width = model.EmbeddingSize;
            if (embeddings.Length < (imageCount + count) * width)
            {
                int capacity = Math.Max(imageCount + count, imageCount * 2);
                Array.Resize(ref embeddings, capacity * width);
                Array.Resize(ref imageClass, capacity);
            }

            embedded.CopyTo(embeddings.AsSpan(imageCount * width));
            imageClass.AsSpan(imageCount, count).Fill(index);
            imageCount += count;
        }
    }

    /// <summary>The enrolled class <paramref name="image"/> (one image) is most like, the runner-up, and whether it is unknown.</summary>
    /// <exception cref="InvalidOperationException">Nothing is enrolled.</exception>
    public Identification Identify(ReadOnlySpan<byte> image)
    {
        if (image.Length != model.InputSize)
        {
            throw new ArgumentException($"An image has {model.InputSize} pixels; got {image.Length}.", nameof(image));
        }

        return IdentifyMany(image)[0];
    }

    /// <summary><see cref="Identify"/> for each of <paramref name="images"/> (one after another).</summary>
    /// <exception cref="InvalidOperationException">Nothing is enrolled.</exception>
    public Identification[] IdentifyMany(ReadOnlySpan<byte> images)
    {
        var (names, scores) = Score(images);
        int classCount = names.Length;
        var answers = new Identification[scores.GetLength(0)];
        for (int q = 0; q < answers.Length; q++)
        {
            int best = -1, second = -1;
            for (int c = 0; c < classCount; c++)
            {
                float s = scores[q, c];
                if (best < 0 || s > scores[q, best])
                {
                    second = best;
                    best = c;
                }
                else if (second < 0 || s > scores[q, second])
                {
                    second = c;
                }
            }

            float similarity = scores[q, best];
            answers[q] = new Identification(
                names[best],
                similarity,
                second < 0 ? null : names[second],
                second < 0 ? float.NaN : scores[q, second],
                !(similarity > Threshold));
        }

        return answers;
    }

    /// <summary>
    /// Each image's score for each enrolled class ([images, classes], classes in order of enrolment): the best
    /// similarity between the image and the class's images.
    /// </summary>
    /// <exception cref="InvalidOperationException">Nothing is enrolled.</exception>
    public float[,] ClassSimilarities(ReadOnlySpan<byte> images) => Score(images).Scores;

    private (string[] Names, float[,] Scores) Score(ReadOnlySpan<byte> images)
    {
        int queries = Count(images.Length, nameof(images));
        if (queries == 0)
        {
            throw new ArgumentException("Give at least one image.", nameof(images));
        }

        string[] names;
        float[] enrolled;
        int[] owners;
        lock (gate)
        {
            if (imageCount == 0)
            {
                throw new InvalidOperationException("The gallery is empty: enrol at least one class first.");
            }

            names = [.. classes];
            enrolled = embeddings.AsSpan(0, imageCount * model.EmbeddingSize).ToArray();
            owners = imageClass.AsSpan(0, imageCount).ToArray();
        }

        int width = model.EmbeddingSize;
        int galleryImages = owners.Length;
        var queryEmbeddings = new float[queries * width];
        model.Embed(images, queryEmbeddings);

        var scores = new float[queries, names.Length];
        for (int q = 0; q < queries; q++)
        {
            for (int c = 0; c < names.Length; c++)
            {
                scores[q, c] = float.NegativeInfinity;
            }
        }

        // Pairs (query, enrolled image) a chunk at a time: the query's embedding repeated beside the gallery's.
        int chunk = Math.Max(1, model.ChunkImages / 2);
        var left = new float[chunk * width];
        var similarities = new float[chunk];
        for (int q = 0; q < queries; q++)
        {
            var query = queryEmbeddings.AsSpan(q * width, width);
            for (int start = 0; start < galleryImages; start += chunk)
            {
                int n = Math.Min(chunk, galleryImages - start);
                for (int i = 0; i < n; i++)
                {
                    query.CopyTo(left.AsSpan(i * width, width));
                }

                model.SimilaritiesOfEmbeddings(left.AsSpan(0, n * width), enrolled.AsSpan(start * width, n * width), similarities.AsSpan(0, n));
                for (int i = 0; i < n; i++)
                {
                    int c = owners[start + i];
                    scores[q, c] = Math.Max(scores[q, c], similarities[i]);
                }
            }
        }

        return (names, scores);
    }

    private int Count(int length, string parameter)
    {
        if (length % model.InputSize != 0)
        {
            throw new ArgumentException($"Images have {model.InputSize} pixels each; {length} pixels is not a whole number of images.", parameter);
        }

        return length / model.InputSize;
    }
}
