using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary><see cref="SiameseTrainer"/>'s evaluation mode: loss, accuracy and similarities without dropout or gradients.</summary>
public sealed partial class SiameseTrainer
{
    /// <summary>Loss and accuracy in evaluation mode (no dropout, no gradients), for any number of pairs.</summary>
    public StepResult Evaluate(ReadOnlySpan<float> left, ReadOnlySpan<float> right, ReadOnlySpan<float> labels)
    {
        int count = labels.Length;
        double lossSum = 0;
        int correct = 0;
        using (Evaluating(left, right, count))
        {
            for (int start = 0; start < count; start += maxBatch)
            {
                int n = Math.Min(maxBatch, count - start);
                using var scope = NewDisposeScope();
                ReadOnlySpan<float> chunkLabels = labels.Slice(start, n);
                Tensor scores = network.ForwardStacked(StageImages(Rows(left, start, n), Rows(right, start, n), n));
                Tensor target = StageTargets(chunkLabels);
                lossSum += (network.IsContrastive
                    ? PairLosses.Contrastive(scores, target, network.Margin, nn.Reduction.Sum)
                    : PairLosses.BinaryCrossEntropySum(scores, target)).item<float>();
                correct += CountCorrect(scores, chunkLabels);
            }
        }

        return new StepResult(count == 0 ? 0 : lossSum / count, correct, count);
    }

    /// <summary>Writes each pair's similarity in [0, 1] (<see cref="SiameseNetwork.Similarity"/>), in evaluation mode, into <paramref name="output"/>.</summary>
    public void Similarities(ReadOnlySpan<float> left, ReadOnlySpan<float> right, Span<float> output)
    {
        int count = output.Length;
        using (Evaluating(left, right, count))
        {
            for (int start = 0; start < count; start += maxBatch)
            {
                int n = Math.Min(maxBatch, count - start);
                using var scope = NewDisposeScope();
                Tensor similarity = network.Similarity(network.ForwardStacked(StageImages(Rows(left, start, n), Rows(right, start, n), n)));
                MemoryMarshal.Cast<byte, float>(similarity.bytes).CopyTo(output.Slice(start, n));
            }
        }
    }

    /// <summary>Checks the pairs, then switches to evaluation mode (no dropout, no gradients) until disposed.</summary>
    private EvaluationMode Evaluating(ReadOnlySpan<float> left, ReadOnlySpan<float> right, int count)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        CheckImages(left, right, count);
        network.eval();
        return new EvaluationMode(network, no_grad());
    }

    /// <summary>The images of pairs [start, start + count) in a flat side.</summary>
    private ReadOnlySpan<float> Rows(ReadOnlySpan<float> side, int start, int count) => side.Slice(start * inputSize, count * inputSize);

    private Tensor StageImages(ReadOnlySpan<float> left, ReadOnlySpan<float> right, int count)
    {
        Span<float> buffer = MemoryMarshal.Cast<byte, float>(inputs.bytes);
        left.CopyTo(buffer);
        right.CopyTo(buffer[left.Length..]);
        return inputs.narrow(0, 0, 2L * count);
    }

    private readonly struct EvaluationMode(SiameseNetwork network, IDisposable noGrad) : IDisposable
    {
        public void Dispose()
        {
            noGrad.Dispose();
            network.train();
        }
    }
}
