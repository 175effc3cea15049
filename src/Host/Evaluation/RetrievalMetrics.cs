using Siamese.Model;

namespace Siamese.Host.Evaluation;

/// <summary>
/// Retrieval on a set of embeddings, each query against all the others.
/// </summary>
/// <param name="Queries">Embeddings in the set, each one query.</param>
/// <param name="LoneQueries">Queries whose label no other embedding has (R = 0): left out of both means.</param>
/// <param name="PrecisionAt1">Share of scored queries whose most similar other embedding has their label.</param>
/// <param name="MapAtR">Mean over scored queries of (1/R)·Σ_{i≤R} P(i)·rel(i).</param>
/// <param name="RankedBy">The score the neighbours were ranked by.</param>
internal sealed record RetrievalReport(int Queries, int LoneQueries, double PrecisionAt1, double MapAtR, string RankedBy);

/// <summary>
/// Precision@1 and MAP@R as pytorch-metric-learning's <c>AccuracyCalculator</c> defines them when the queries are the
/// references (<c>embeddings_come_from_same_source</c>): each embedding is a query against all the others (itself
/// excluded); R is the number of other embeddings with the query's label; rel(i) is 1 when the i-th nearest has the
/// query's label; P(i) is the share of the first i that do. Neighbours are ranked by the model's own score
/// (<see cref="SiameseModel.Rank"/>), ties in set order. Unlike the library there is no cap on R (faiss's k ≤ 1023 in
/// older releases). A query whose label no other embedding has (a class of one) has no relevant neighbour: it is
/// left out of both means, as the library leaves out its "lone" queries; with none left the metrics are NaN (the
/// library reports 0).
/// </summary>
internal static class RetrievalMetrics
{
    public static RetrievalReport Measure(SiameseModel model, float[] embeddings, int[] labels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(labels);
        int count = labels.Length;
        int width = model.EmbeddingSize;
        if (embeddings.Length != (long)count * width)
        {
            throw new ArgumentException($"{count} labels need {count} × {width} embedding values; got {embeddings.Length}.", nameof(embeddings));
        }

        // Labels are class labels 0, 1, … (any number of classes).
        var classSizes = new int[labels.Length == 0 ? 0 : labels.Max() + 1];
        foreach (int label in labels)
        {
            classSizes[label]++;
        }

        int k = classSizes.DefaultIfEmpty(0).Max() - 1;
        int lone = labels.Count(label => classSizes[label] == 1);
        if (k < 1)
        {
            return new RetrievalReport(count, lone, double.NaN, double.NaN, Describe(model.Options));
        }

        int chunk = 256;
        var ranked = new int[chunk * k];
        var excluded = new int[chunk];
        double hitsAt1 = 0, precisionSum = 0;
        for (int start = 0; start < count; start += chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(chunk, count - start);
            for (int i = 0; i < n; i++)
            {
                excluded[i] = start + i;
            }

            model.Rank(embeddings.AsSpan(start * width, n * width), embeddings, excluded.AsSpan(0, n), ranked.AsSpan(0, n * k));
            for (int i = 0; i < n; i++)
            {
                int label = labels[start + i];
                int r = classSizes[label] - 1;
                if (r == 0)
                {
                    continue;
                }

                var neighbours = ranked.AsSpan(i * k, r);
                hitsAt1 += labels[neighbours[0]] == label ? 1 : 0;
                precisionSum += AveragePrecisionAtR(neighbours, labels, label);
            }
        }

        int scored = count - lone;
        return new RetrievalReport(count, lone, scored == 0 ? double.NaN : hitsAt1 / scored, scored == 0 ? double.NaN : precisionSum / scored, Describe(model.Options));
    }

    /// <summary>(1/R)·Σ_{i≤R} P(i)·rel(i) for the first R = <paramref name="neighbours"/>.Length neighbours, best first.</summary>
    public static double AveragePrecisionAtR(ReadOnlySpan<int> neighbours, int[] labels, int label)
    {
        ArgumentNullException.ThrowIfNull(labels);
        int hits = 0;
        double sum = 0;
        for (int i = 0; i < neighbours.Length; i++)
        {
            if (labels[neighbours[i]] == label)
            {
                hits++;
                sum += (double)hits / (i + 1);
            }
        }

        return sum / neighbours.Length;
    }

    /// <summary>The score neighbours are ranked by, in words.</summary>
    public static string Describe(ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.IsContrastive ? "Euclidean distance of the embeddings, smaller first"
            : options.IsCosine ? "cosine similarity of the embeddings, larger first"
            : options.Distance == DistanceKind.L2 ? "the head's logit w·(a − b)² + b, larger first"
            : "the head's logit w·|a − b| + b, larger first";
    }
}
