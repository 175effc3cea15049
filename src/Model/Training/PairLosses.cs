using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace Siamese.Model;

/// <summary>The two training losses over a batch's scores ([N, 1]: logits, or embedding distances) and 0/1 labels.</summary>
internal static class PairLosses
{
    /// <summary>
    /// Mean binary cross-entropy of the logits against the labels, and d(loss)/d(logit) = (sigmoid(z) − y)/N written
    /// into <paramref name="gradient"/>, so the backward pass starts at the logits: the derivative libtorch's
    /// <c>binary_cross_entropy_with_logits</c> backward computes, without its forward and backward kernels and the
    /// loss read-back (about a dozen libtorch calls per step). The trainer's tests check it against autograd.
    /// </summary>
    public static double BinaryCrossEntropyAndGradient(Tensor logits, ReadOnlySpan<float> labels, Span<float> gradient) =>
        BinaryCrossEntropyAndGradient(MemoryMarshal.Cast<byte, float>(logits.bytes), labels, gradient);

    /// <inheritdoc cref="BinaryCrossEntropyAndGradient(Tensor, ReadOnlySpan{float}, Span{float})"/>
    public static double BinaryCrossEntropyAndGradient(ReadOnlySpan<float> z, ReadOnlySpan<float> labels, Span<float> gradient)
    {
        int count = labels.Length;
        double lossSum = 0;
        float scale = 1f / count;
        for (int i = 0; i < count; i++)
        {
            double logit = z[i];
            double y = labels[i];
            // max(z, 0) − z·y + log(1 + exp(−|z|)): stable for any z.
            lossSum += Math.Max(logit, 0) - (logit * y) + Math.Log(1 + Math.Exp(-Math.Abs(logit)));
            float sigmoid = (float)(1 / (1 + Math.Exp(-logit)));
            gradient[i] = (sigmoid - labels[i]) * scale;
        }

        return (float)(lossSum / count);
    }

    /// <summary>Binary cross-entropy of logits [N, 1] or [N] against labels [N], summed.</summary>
    public static Tensor BinaryCrossEntropySum(Tensor logits, Tensor labels) =>
        binary_cross_entropy_with_logits(logits.view(-1), labels, reduction: nn.Reduction.Sum);

    /// <summary>
    /// The contrastive loss of Hadsell, Chopra and LeCun (2006) as the Keras <c>mnist_siamese</c> example writes it:
    /// y·d² + (1 − y)·max(margin − d, 0)² per pair, for distances d [N, 1] or [N] and labels [N].
    /// </summary>
    public static Tensor Contrastive(Tensor distances, Tensor labels, float margin, nn.Reduction reduction)
    {
        var d = distances.view(-1);
        var loss = (labels * d.square()) + ((1 - labels) * (margin - d).clamp_min(0).square());
        return reduction == nn.Reduction.Sum ? loss.sum() : loss.mean();
    }

    /// <summary>
    /// Binary cross-entropy of cosine similarities [N, 1] or [N] (clamped into (0, 1)) against labels [N], summed: how a
    /// cosine model's pairs are scored when validating (its training loss is over classes, which validation classes
    /// may not be).
    /// </summary>
    public static Tensor CosineCrossEntropySum(Tensor cosines, Tensor labels) =>
        binary_cross_entropy(cosines.view(-1).clamp(1e-6, 1 - 1e-6), labels, reduction: nn.Reduction.Sum);
}
