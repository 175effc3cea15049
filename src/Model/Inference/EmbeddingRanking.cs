using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>
/// A network's own pair score for every query embedding against every reference embedding at once, as a [Q, R] matrix
/// (higher = more similar), and the similarities in [0, 1] those scores give:
/// <list type="bullet">
/// <item>sigmoid head, L1: the logit Σ w_k |a_k − b_k| + bias. Splitting the weights by sign makes it two L1 distances
/// (<c>cdist</c>, p = 1) between weight-scaled embeddings: Σ_{w_k&gt;0} |w_k a_k − w_k b_k| − Σ_{w_k&lt;0} ||w_k| a_k − |w_k| b_k|.</item>
/// <item>sigmoid head, L2: the logit Σ w_k (a_k − b_k)² + bias = (a²)·w + (b²)·w − 2 (a ⊙ w)·b + bias, one matrix product.</item>
/// <item>contrastive: minus the squared Euclidean distance ‖a‖² + ‖b‖² − 2 a·b (ranking by it ranks by the distance,
/// smaller first).</item>
/// <item>cosine: the cosine, the product of the normalised embeddings.</item>
/// </list>
/// The expansions lose a little precision against the pairwise path (<see cref="SiameseNetwork.forward"/>): ranks of
/// pairs whose scores differ by ~1e-6 relative may swap.
/// </summary>
internal static class EmbeddingRanking
{
    /// <summary>Query rows scored at once: bounds the score matrix to this many rows × the references.</summary>
    public const int ChunkQueries = 256;

    /// <summary>
    /// Writes, for each query, the first k = <c>ranked.Length / Q</c> reference indices by descending score (ties in
    /// reference order; an excluded reference last) and, when <paramref name="similarities"/> is not empty, their
    /// similarities. The caller holds the model's lock and has checked the sizes.
    /// </summary>
    public static void Rank(SiameseNetwork network, ReadOnlySpan<float> queries, ReadOnlySpan<float> references, int width, ReadOnlySpan<int> excluded, Span<int> ranked, Span<float> similarities)
    {
        using var prepared = new PreparedReferences(null, network, references, width);
        Rank(network, queries, prepared, excluded, ranked, similarities);
    }

    /// <summary>As the other overload, against references prepared once.</summary>
    public static void Rank(SiameseNetwork network, ReadOnlySpan<float> queries, PreparedReferences references, ReadOnlySpan<int> excluded, Span<int> ranked, Span<float> similarities)
    {
        int width = references.Width;
        int queryCount = queries.Length / width;
        int k = ranked.Length / queryCount;
        using var noGrad = no_grad();
        for (int start = 0; start < queryCount; start += ChunkQueries)
        {
            int n = Math.Min(ChunkQueries, queryCount - start);
            using var scope = NewDisposeScope();
            Tensor scores = Scores(network, Stage(queries.Slice(start * width, n * width), width), references);
            if (!excluded.IsEmpty)
            {
                Exclude(scores, excluded.Slice(start, n));
            }

            var (values, indices) = Top(scores, k);
            Tensor top = indices.narrow(1, 0, k).to_type(ScalarType.Int32).contiguous();
            MemoryMarshal.Cast<byte, int>(top.bytes).CopyTo(ranked.Slice(start * k, n * k));
            if (!similarities.IsEmpty)
            {
                Tensor similarity = Similarities(network, values.narrow(1, 0, k)).contiguous();
                MemoryMarshal.Cast<byte, float>(similarity.bytes).CopyTo(similarities.Slice(start * k, n * k));
            }
        }
    }

    /// <summary>Scores [Q, R], higher = more similar. Intermediate tensors go to the caller's dispose scope, which must exist.</summary>
    public static Tensor Scores(SiameseNetwork network, Tensor queries, PreparedReferences references)
    {
        if (network.IsContrastive)
        {
            Tensor queryNorms = queries.square().sum(1, keepdim: true);
            return (queryNorms + references.Norms! - (2 * queries.mm(references.Transposed!))).clamp_min(0).neg();
        }

        if (network.IsCosine)
        {
            return nn.functional.normalize(queries, dim: 1, eps: 1e-8).mm(references.Transposed!);
        }

        var head = network.Head!;
        Tensor weight = head.weight!.view(-1);
        Tensor bias = head.bias!;
        if (network.SquaredDistance)
        {
            Tensor queryTerm = queries.square().matmul(weight).unsqueeze(1);
            return queryTerm + references.Norms! - (2 * (queries * weight)).mm(references.Transposed!) + bias;
        }

        Tensor logits = zeros(queries.shape[0], references.Count) + bias;
        foreach (var (columns, scale, scaled, sign) in references.Parts)
        {
            Tensor distances = cdist(queries.index_select(1, columns) * scale, scaled, p: 1);
            logits = sign > 0 ? logits + distances : logits - distances;
        }

        return logits;
    }

    /// <summary>The similarity in [0, 1] of each score <see cref="Scores"/> gave (sigmoid of the logit, or the contrastive similarity of the distance).</summary>
    public static Tensor Similarities(SiameseNetwork network, Tensor scores) =>
        network.IsContrastive
            ? network.Similarity(scores.neg().clamp_min(1e-7).sqrt())
            : network.Similarity(scores);

    /// <summary>
    /// The k highest scores of each row and their columns, in descending score with equal scores in column order (what a
    /// stable sort gives): <c>topk</c>, its ties put in column order, and a full stable sort of any row where a tie
    /// straddles the k-th place (which columns make the cut is then the sort's choice, not topk's). A full sort when k
    /// is a large part of the row.
    /// </summary>
    private static (Tensor Values, Tensor Indices) Top(Tensor scores, int k)
    {
        if (4L * k >= scores.shape[1])
        {
            var (sorted, order) = scores.sort(1, descending: true, stable: true);
            return (sorted.narrow(1, 0, k), order.narrow(1, 0, k));
        }

        var (values, indices) = scores.topk(k, 1, largest: true, sorted: true);
        var (columns, byColumn) = indices.sort(1);
        var (ordered, byValue) = values.gather(1, byColumn).sort(1, descending: true, stable: true);
        values = ordered;
        indices = columns.gather(1, byValue);

        Tensor straddling = scores.ge(values.narrow(1, k - 1, 1)).sum(1).gt(k).nonzero().view(-1);
        if (straddling.shape[0] > 0)
        {
            var (rowValues, rowIndices) = scores.index_select(0, straddling).sort(1, descending: true, stable: true);
            values = values.index_copy(0, straddling, rowValues.narrow(1, 0, k));
            indices = indices.index_copy(0, straddling, rowIndices.narrow(1, 0, k));
        }

        return (values, indices);
    }

    /// <summary>Gives each row's excluded reference (−1: none) the lowest score, so a stable sort puts it last.</summary>
    private static void Exclude(Tensor scores, ReadOnlySpan<int> excluded)
    {
        var rows = new List<long>(excluded.Length);
        var columns = new List<long>(excluded.Length);
        for (int i = 0; i < excluded.Length; i++)
        {
            if (excluded[i] >= 0)
            {
                rows.Add(i);
                columns.Add(excluded[i]);
            }
        }

        if (rows.Count > 0)
        {
            scores.index_put_(tensor(float.NegativeInfinity), tensor(rows.ToArray()), tensor(columns.ToArray()));
        }
    }

    internal static Tensor Stage(ReadOnlySpan<float> rows, int width)
    {
        Tensor staged = empty(rows.Length / width, width);
        rows.CopyTo(MemoryMarshal.Cast<byte, float>(staged.bytes));
        return staged;
    }
}
