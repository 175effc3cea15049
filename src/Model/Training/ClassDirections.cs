using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>
/// What the cosine-softmax loss trains the tower against: one learned direction per training class. A batch's images
/// are classified by the cosine of their embedding with each direction, times a scale, through a softmax; the tower
/// learns embeddings whose angles separate classes, so that the cosine of two embeddings says whether they show the
/// same class, for classes never seen too. The directions belong to training only: a checkpoint keeps them, the model
/// does not.
/// </summary>
internal sealed class ClassDirections : nn.Module
{
    private readonly Parameter weight;
    private readonly Dictionary<int, long> rows;

    /// <param name="labels">The training classes' labels, as a batch names its images' classes.</param>
    /// <param name="width">The embedding's width.</param>
    public ClassDirections(IReadOnlyList<int> labels, int width)
        : base(nameof(ClassDirections))
    {
        ArgumentNullException.ThrowIfNull(labels);
        rows = labels.Select((label, row) => (label, (long)row)).ToDictionary(x => x.label, x => x.Item2);
        if (rows.Count != labels.Count)
        {
            throw new ArgumentException("Each training class needs its own label.", nameof(labels));
        }

        // As nn.Linear(width, classes) starts its weight: uniform in ±1/√width.
        weight = new Parameter(empty(labels.Count, width).uniform_(-1 / Math.Sqrt(width), 1 / Math.Sqrt(width)));
        RegisterComponents();
    }

    public int Count => rows.Count;

    internal Parameter Weight => weight;

    /// <summary>Each image's class row, for the labels of a batch's images (left images then right ones).</summary>
    /// <exception cref="ArgumentException">A label is not one of the training classes.</exception>
    public Tensor Rows(ReadOnlySpan<int> left, ReadOnlySpan<int> right)
    {
        var targets = new long[left.Length + right.Length];
        for (int i = 0; i < targets.Length; i++)
        {
            int label = i < left.Length ? left[i] : right[i - left.Length];
            targets[i] = rows.TryGetValue(label, out long row) ? row : throw new ArgumentException($"Class {label} is not a training class of this trainer.");
        }

        return tensor(targets);
    }

    /// <summary>The cosine-softmax loss of embeddings [M, D] against their class rows [M]: mean cross-entropy of scale · cos(e, w).</summary>
    public Tensor Loss(Tensor embeddings, Tensor targets, double scale)
    {
        Tensor logits = nn.functional.normalize(embeddings, dim: 1, eps: 1e-8).mm(nn.functional.normalize(weight, dim: 1, eps: 1e-8).t()) * scale;
        return nn.functional.cross_entropy(logits, targets);
    }
}
