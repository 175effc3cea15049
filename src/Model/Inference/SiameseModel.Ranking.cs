using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>Scoring in embedding space: ranking references for queries (as given, or prepared once), and the similarities of embedding pairs.</summary>
public sealed partial class SiameseModel
{
    /// <summary>
    /// Ranks <paramref name="references"/> for each of <paramref name="queries"/> (embeddings, row-major [Q, D] and
    /// [R, D] with D = <see cref="EmbeddingSize"/>) by the model's own score, most similar first, and writes the first
    /// k = <c>ranked.Length / Q</c> reference indices of each query into <paramref name="ranked"/> ([Q, k]). The score
    /// is the one behind <see cref="Similarity(ReadOnlySpan{float}, ReadOnlySpan{float})"/>: the sigmoid head's logit
    /// (Σ w_k |a_k − b_k| + bias, or Σ w_k (a_k − b_k)² + bias with the L2 distance); with the contrastive similarity,
    /// the Euclidean distance (smaller first); with the cosine similarity, the cosine (larger first). Equal scores keep
    /// reference order. Queries are scored <see cref="EmbeddingRanking.ChunkQueries"/> at a time, so memory stays at that
    /// many rows × R.
    /// </summary>
    /// <param name="excluded">Empty, or one reference index per query ranked last whatever its score (the query itself
    /// when the queries are among the references); −1 for none.</param>
    /// <param name="similarities">Empty, or room for the [Q, k] similarities in [0, 1] of the ranked references.</param>
    public void Rank(ReadOnlySpan<float> queries, ReadOnlySpan<float> references, ReadOnlySpan<int> excluded, Span<int> ranked, Span<float> similarities = default)
    {
        int width = EmbeddingSize;
        if (references.Length % width != 0)
        {
            throw new ArgumentException($"Embeddings have {width} values each; got {references.Length} reference values.", nameof(references));
        }

        CheckRanking(queries, references.Length / width, excluded, ranked, similarities);
        using var call = Enter();
        EmbeddingRanking.Rank(network, queries, references, width, excluded, ranked, similarities);
    }

    /// <summary>
    /// As <see cref="Rank(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{int}, Span{int}, Span{float})"/>,
    /// against references this model prepared once with <see cref="Prepare"/>: for a gallery searched many times.
    /// </summary>
    public void Rank(ReadOnlySpan<float> queries, PreparedReferences references, ReadOnlySpan<int> excluded, Span<int> ranked, Span<float> similarities = default)
    {
        ArgumentNullException.ThrowIfNull(references);
        if (!ReferenceEquals(references.Owner, this))
        {
            throw new ArgumentException("These references were prepared by another model.", nameof(references));
        }

        CheckRanking(queries, references.Count, excluded, ranked, similarities);
        using var call = Enter();
        references.ThrowIfDisposed();
        EmbeddingRanking.Rank(network, queries, references, excluded, ranked, similarities);
    }

    /// <summary>
    /// Copies reference embeddings (row-major [R, <see cref="EmbeddingSize"/>]) into the form this model's score ranks
    /// against, once, so that each later <see cref="Rank(ReadOnlySpan{float}, PreparedReferences, ReadOnlySpan{int}, Span{int}, Span{float})"/>
    /// only embeds and scores its queries. The result holds tensors: dispose it before or with the model. It reflects
    /// the weights at the time of the call (a trainer's borrowed model goes on changing).
    /// </summary>
    public PreparedReferences Prepare(ReadOnlySpan<float> references)
    {
        int width = EmbeddingSize;
        if (references.IsEmpty || references.Length % width != 0)
        {
            throw new ArgumentException($"Embeddings have {width} values each; got {references.Length} reference values.", nameof(references));
        }

        using var call = Enter();
        return new PreparedReferences(this, network, references, width);
    }

    private void CheckRanking(ReadOnlySpan<float> queries, int referenceCount, ReadOnlySpan<int> excluded, Span<int> ranked, Span<float> similarities)
    {
        int width = EmbeddingSize;
        if (queries.Length % width != 0 || queries.IsEmpty)
        {
            throw new ArgumentException($"Embeddings have {width} values each; got {queries.Length} query values.", nameof(queries));
        }

        int queryCount = queries.Length / width;
        int k = ranked.Length / queryCount;
        if (k < 1 || ranked.Length % queryCount != 0 || k > referenceCount)
        {
            throw new ArgumentException($"{queryCount} queries need room for k ranked references each, 1 ≤ k ≤ {referenceCount}; got {ranked.Length}.", nameof(ranked));
        }

        if ((!excluded.IsEmpty && excluded.Length != queryCount) || (!similarities.IsEmpty && similarities.Length != ranked.Length))
        {
            throw new ArgumentException($"{queryCount} queries need {queryCount} exclusions (or none) and {ranked.Length} similarities (or none).", nameof(excluded));
        }
    }

    /// <summary>
    /// Writes the similarity of each pair of embeddings (the i-th left row with the i-th right one, row-major [N,
    /// <see cref="EmbeddingSize"/>] each, as <see cref="Embed(ReadOnlySpan{byte})"/> gives them) into
    /// <paramref name="similarities"/>: the same similarities as scoring the images, up to float rounding, for one
    /// tower pass per image however many pairs share it.
    /// </summary>
    public void SimilaritiesOfEmbeddings(ReadOnlySpan<float> lefts, ReadOnlySpan<float> rights, Span<float> similarities)
    {
        int count = similarities.Length;
        int width = EmbeddingSize;
        if (lefts.Length != (long)count * width || rights.Length != (long)count * width)
        {
            throw new ArgumentException($"{count} pairs need {count * width} embedding values per side; got {lefts.Length} and {rights.Length}.", nameof(lefts));
        }

        int chunk = ChunkImages / 2;
        using var call = Enter();
        for (int start = 0; start < count; start += chunk)
        {
            int n = Math.Min(chunk, count - start);
            using var scope = NewDisposeScope();
            Tensor stacked = empty(2L * n, width);
            Span<float> staging = MemoryMarshal.Cast<byte, float>(stacked.bytes);
            lefts.Slice(start * width, n * width).CopyTo(staging);
            rights.Slice(start * width, n * width).CopyTo(staging[(n * width)..]);
            Tensor similarity = network.Similarity(network.ScoreEmbeddings(stacked));
            MemoryMarshal.Cast<byte, float>(similarity.bytes).CopyTo(similarities.Slice(start, n));
        }
    }
}
