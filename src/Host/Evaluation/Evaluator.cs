using Siamese.Host.Configuration;
using Siamese.Model;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Evaluation;

/// <summary>
/// Scores the fixed, seeded, balanced test pair set through a <see cref="SiameseModel"/>: every image of its classes
/// embedded once, then every pair from its two embeddings, so a set of 10,000 pairs over 10,000 images costs 10,000
/// tower passes instead of 20,000. Pixels are scaled by the model's own recorded rescale.
/// </summary>
internal sealed class Evaluator
{
    private readonly SiameseModel _model;
    private readonly EvaluationOptions _options;
    private readonly CancellationToken _cancellationToken;

    /// <param name="cancellationToken">Checked before every chunk, so an interruption stops a long evaluation within one chunk.</param>
    public Evaluator(SiameseModel model, EvaluationOptions options, CancellationToken cancellationToken = default)
    {
        _model = model;
        _options = options;
        _cancellationToken = cancellationToken;
    }

    public PairSet TestPairs(IReadOnlyList<ImageClass> test) => PairSet.CreateBalanced(test, _options.TestPairs, _options.Seed);

    /// <summary>Similarity of every pair of <paramref name="pairs"/>.</summary>
    public float[] Score(PairSet pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var (images, classStart) = pairs.AllImages;
        int size = pairs.ImageSize;
        int width = _model.EmbeddingSize;
        int chunk = _model.ChunkImages;
        int total = images.Length / size;
        var embeddings = new float[(long)total * width];
        for (int start = 0; start < total; start += chunk)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(chunk, total - start);
            _model.Embed(images.AsSpan(start * size, n * size), embeddings.AsSpan(start * width, n * width));
        }

        int chunkPairs = chunk / 2;
        var scores = new float[pairs.Count];
        var left = new float[chunkPairs * width];
        var right = new float[chunkPairs * width];
        for (int start = 0; start < pairs.Count; start += chunkPairs)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(chunkPairs, pairs.Count - start);
            for (int i = 0; i < n; i++)
            {
                var (leftClass, leftIndex) = pairs.LeftRef(start + i);
                var (rightClass, rightIndex) = pairs.RightRef(start + i);
                embeddings.AsSpan((classStart[leftClass] + leftIndex) * width, width).CopyTo(left.AsSpan(i * width));
                embeddings.AsSpan((classStart[rightClass] + rightIndex) * width, width).CopyTo(right.AsSpan(i * width));
            }

            _model.SimilaritiesOfEmbeddings(left.AsSpan(0, n * width), right.AsSpan(0, n * width), scores.AsSpan(start, n));
        }

        return scores;
    }

    /// <summary>Accuracy of <paramref name="pairs"/> at <paramref name="threshold"/>.</summary>
    public double Score(PairSet pairs, double threshold) => Metrics.Accuracy(Score(pairs), pairs.Labels, (float)threshold);

    /// <summary>Accuracy at the configured threshold, ROC AUC and confusion counts of <paramref name="pairs"/>.</summary>
    public EvaluationResult Evaluate(PairSet pairs)
    {
        var scores = Score(pairs);
        return EvaluationResult.From(scores, pairs.Labels, _options.Threshold, _options.Seed);
    }
}
