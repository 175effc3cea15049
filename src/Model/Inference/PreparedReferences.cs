using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>
/// A fixed set of reference embeddings (a gallery) made ready for ranking once: copied into a tensor and, for the
/// model's score, weighted, split or normalised as <see cref="EmbeddingRanking"/> would otherwise do on every call. Made
/// by <see cref="SiameseModel.Prepare"/>; rank queries against it with
/// <see cref="SiameseModel.Rank(ReadOnlySpan{float}, PreparedReferences, ReadOnlySpan{int}, Span{int}, Span{float})"/>.
/// </summary>
public sealed class PreparedReferences : IDisposable
{
    private readonly List<Tensor> owned = [];
    private bool disposed;

    internal PreparedReferences(SiameseModel? owner, SiameseNetwork network, ReadOnlySpan<float> references, int width)
    {
        Owner = owner;
        Count = references.Length / width;
        Width = width;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Rows = Keep(EmbeddingRanking.Stage(references, width));
        if (network.IsContrastive)
        {
            Norms = Keep(Rows.square().sum(1).unsqueeze(0));
            Transposed = Keep(Rows.t().contiguous());
        }
        else if (network.IsCosine)
        {
            Transposed = Keep(nn.functional.normalize(Rows, dim: 1, eps: 1e-8).t().contiguous());
        }
        else if (network.SquaredDistance)
        {
            Tensor weight = network.Head!.weight!.view(-1);
            Norms = Keep(Rows.square().matmul(weight).unsqueeze(0));
            Transposed = Keep(Rows.t().contiguous());
        }
        else
        {
            Tensor weight = network.Head!.weight!.view(-1);
            foreach (var (columns, sign) in new[] { (weight.gt(0).nonzero().view(-1), 1), (weight.lt(0).nonzero().view(-1), -1) })
            {
                if (columns.shape[0] > 0)
                {
                    Tensor scale = weight.index_select(0, columns).abs();
                    Parts.Add((Keep(columns), Keep(scale), Keep(Rows.index_select(1, columns) * scale), sign));
                }
            }
        }
    }

    /// <summary>How many references.</summary>
    public int Count { get; }

    /// <summary>Values per embedding.</summary>
    public int Width { get; }

    /// <summary>The model that prepared them (null for a one-off ranking's own copy).</summary>
    internal SiameseModel? Owner { get; }

    internal Tensor Rows { get; }

    /// <summary>The references transposed, [D, R] (normalised for the cosine): for one matrix product with the queries.</summary>
    internal Tensor? Transposed { get; }

    /// <summary>Per reference, ‖b‖² (contrastive) or (b²)·w (the L2 head): [1, R].</summary>
    internal Tensor? Norms { get; }

    /// <summary>The L1 head's columns by sign of their weight: the columns, their |weights|, the references' scaled columns.</summary>
    internal List<(Tensor Columns, Tensor Scale, Tensor Scaled, int Sign)> Parts { get; } = [];

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);

    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            owned.ForEach(tensor => tensor.Dispose());
        }
    }

    private Tensor Keep(Tensor tensor)
    {
        var kept = tensor.DetachFromDisposeScope();
        owned.Add(kept);
        return kept;
    }
}
