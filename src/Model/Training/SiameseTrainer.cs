using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace Siamese.Model;

/// <summary>
/// Owns a <see cref="SiameseNetwork"/>, its optimiser and every tensor: callers pass pairs as flat
/// <see cref="float"/> spans (row-major images of <see cref="ModelOptions.InputSize"/> values; labels 1 for "same
/// digit", 0 for "different") and never see a tensor.
/// </summary>
/// <remarks>
/// <para>Not thread-safe: use one instance from one thread at a time. libtorch settings (thread count, the global
/// random generator) are process-wide, and the constructor seeds the generator. Saving, loading and exporting are in
/// <see cref="TrainerFiles"/>.</para>
/// <para>All parameters live in one flat buffer and all gradients in another (each parameter and its gradient are
/// views into them), so the optimiser updates the whole network in a handful of tensor operations, and inputs are
/// copied into tensors allocated once; a step allocates no managed arrays.</para>
/// </remarks>
public sealed unsafe class SiameseTrainer : IDisposable
{
    private readonly SiameseNetwork network;
    private readonly Tensor flatParameters;
    private readonly Tensor flatGradients;
    private readonly KerasRmsProp optimizer;
    private readonly Tensor inputs;
    private readonly Tensor targets;
    private readonly Tensor logitGradients;
    private readonly unsafe float* inputData;
    private readonly unsafe float* targetData;
    private readonly unsafe float* logitGradientData;
    private readonly int inputSize;
    private readonly int maxBatch;
    private StagedViews staged;
    private bool disposed;

    /// <param name="maxBatch">Largest number of pairs passed to one call; tensors of this size are allocated once.</param>
    public SiameseTrainer(ModelOptions modelOptions, TrainerSettings settings, int maxBatch = 128)
    {
        ArgumentNullException.ThrowIfNull(modelOptions);
        ArgumentNullException.ThrowIfNull(settings);
        modelOptions.ThrowIfInvalid();
        settings.ThrowIfInvalid();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);

        Options = modelOptions;
        Settings = settings;
        inputSize = modelOptions.InputSize;
        this.maxBatch = maxBatch;
        set_num_threads(settings.TorchThreads);

        manual_seed(settings.Seed);
        network = new SiameseNetwork(modelOptions);
        (flatParameters, flatGradients, ParameterShapes) = FlatParameters.Pack(network);
        optimizer = new KerasRmsProp(flatParameters, flatGradients, settings.LearningRate, settings.Rho, settings.Epsilon);
        inputs = zeros(2L * maxBatch, inputSize).DetachFromDisposeScope();
        targets = zeros(maxBatch).DetachFromDisposeScope();
        logitGradients = zeros(maxBatch, 1).DetachFromDisposeScope();
        unsafe
        {
            inputData = KerasRmsProp.DataOf(inputs);
            targetData = KerasRmsProp.DataOf(targets);
            logitGradientData = KerasRmsProp.DataOf(logitGradients);
        }

        network.train();
    }

    public ModelOptions Options { get; }

    public TrainerSettings Settings { get; }

    /// <summary>Training steps taken, including those restored by <see cref="TrainerFiles.LoadState"/>.</summary>
    public long StepCount { get; internal set; }

    /// <summary>Largest number of pairs passed to one call.</summary>
    public int MaxBatch => maxBatch;

    /// <summary>Weight keys and shapes, in the order of the saved files (see <see cref="SiameseNetwork"/>).</summary>
    public IReadOnlyList<(string Name, long[] Shape)> ParameterShapes { get; }

    internal SiameseNetwork Network => network;

    internal bool IsDisposed => disposed;

    internal Tensor MeanSquares => optimizer.MeanSquares;

    /// <summary>One optimiser step on a batch of at most <see cref="MaxBatch"/> pairs.</summary>
    /// <returns>The batch's loss and accuracy, computed before the update (as Keras reports them).</returns>
    public StepResult TrainStep(ReadOnlySpan<float> left, ReadOnlySpan<float> right, ReadOnlySpan<float> labels)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        int count = labels.Length;
        if (count == 0 || count > maxBatch)
        {
            throw new ArgumentException($"A training batch holds 1 to {maxBatch} pairs; got {count}.", nameof(labels));
        }

        CheckImages(left, right, count);
        StagedViews views = StageForTraining(left, right, count);
        using var scope = NewDisposeScope();
        Tensor logits = network.ForwardTraining(views.Images);
        (double loss, int correct) = LossAndGradient(logits, labels);
        try
        {
            logits.backward(views.LogitGradient);
        }
        catch
        {
            // A partial backward pass may have accumulated into the gradient buffer, which Step would have cleared.
            flatGradients.zero_();
            throw;
        }

        optimizer.Step();
        StepCount++;
        return new StepResult(loss, correct, count);
    }

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
                Tensor logits = network.ForwardStacked(StageImages(Rows(left, start, n), Rows(right, start, n), n));
                labels.Slice(start, n).CopyTo(MemoryMarshal.Cast<byte, float>(targets.bytes));
                lossSum += binary_cross_entropy_with_logits(logits, targets.narrow(0, 0, n), reduction: nn.Reduction.Sum).item<float>();
                correct += CountCorrect(logits, chunkLabels);
            }
        }

        return new StepResult(count == 0 ? 0 : lossSum / count, correct, count);
    }

    /// <summary>Writes sigmoid(logit) of each pair, in evaluation mode, into <paramref name="output"/>.</summary>
    public void Similarities(ReadOnlySpan<float> left, ReadOnlySpan<float> right, Span<float> output)
    {
        int count = output.Length;
        using (Evaluating(left, right, count))
        {
            for (int start = 0; start < count; start += maxBatch)
            {
                int n = Math.Min(maxBatch, count - start);
                using var scope = NewDisposeScope();
                Tensor similarity = network.ForwardStacked(StageImages(Rows(left, start, n), Rows(right, start, n), n)).sigmoid_();
                MemoryMarshal.Cast<byte, float>(similarity.bytes).CopyTo(output.Slice(start, n));
            }
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        optimizer.Dispose();
        network.Dispose();
        flatParameters.Dispose();
        flatGradients.Dispose();
        inputs.Dispose();
        targets.Dispose();
        logitGradients.Dispose();
        staged.Dispose();
    }

    private static int CountCorrect(Tensor logits, ReadOnlySpan<float> labels)
    {
        ReadOnlySpan<float> values = MemoryMarshal.Cast<byte, float>(logits.bytes);
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (values[i] > 0 == labels[i] > 0.5f)
            {
                correct++;
            }
        }

        return correct;
    }

    private void CheckImages(ReadOnlySpan<float> left, ReadOnlySpan<float> right, int count)
    {
        long expected = (long)count * inputSize;
        if (left.Length != expected || right.Length != expected)
        {
            throw new ArgumentException(
                $"{count} pairs need {expected} values per side ({inputSize} per image); got {left.Length} and {right.Length}.");
        }
    }

    /// <summary>
    /// Copies a training batch into the preallocated input tensor and returns views of it and of the logit-gradient
    /// buffer for that many pairs; the views are kept while the batch size stays the same (the usual case).
    /// </summary>
    private unsafe StagedViews StageForTraining(ReadOnlySpan<float> left, ReadOnlySpan<float> right, int count)
    {
        var buffer = new Span<float>(inputData, 2 * maxBatch * inputSize);
        left.CopyTo(buffer);
        right.CopyTo(buffer[left.Length..]);
        if (staged.Count != count)
        {
            staged.Dispose();
            staged = new StagedViews(
                count,
                inputs.narrow(0, 0, 2L * count).DetachFromDisposeScope(),
                [logitGradients.narrow(0, 0, count).DetachFromDisposeScope()]);
        }

        return staged;
    }

    /// <summary>
    /// Mean binary cross-entropy of the logits (shape [N, 1]) against the labels, the pairs classified correctly, and
    /// d(loss)/d(logit) = (sigmoid(z) − y)/N written into the logit-gradient buffer, so the backward pass starts at
    /// the logits: the same derivative libtorch's <c>binary_cross_entropy_with_logits</c> backward computes, without
    /// its forward and backward kernels and the loss read-back (about a dozen libtorch calls per step).
    /// </summary>
    private unsafe (double Loss, int Correct) LossAndGradient(Tensor logits, ReadOnlySpan<float> labels)
    {
        ReadOnlySpan<float> z = MemoryMarshal.Cast<byte, float>(logits.bytes);
        int count = labels.Length;
        double lossSum = 0;
        int correct = 0;
        float scale = 1f / count;
        for (int i = 0; i < count; i++)
        {
            double logit = z[i];
            double y = labels[i];
            // max(z, 0) − z·y + log(1 + exp(−|z|)): stable for any z.
            lossSum += Math.Max(logit, 0) - (logit * y) + Math.Log(1 + Math.Exp(-Math.Abs(logit)));
            float sigmoid = (float)(1 / (1 + Math.Exp(-logit)));
            logitGradientData[i] = (sigmoid - labels[i]) * scale;
            if (z[i] > 0 == labels[i] > 0.5f)
            {
                correct++;
            }
        }

        return ((float)(lossSum / count), correct);
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

    private readonly record struct StagedViews(int Count, Tensor Images, Tensor[] LogitGradient) : IDisposable
    {
        public void Dispose()
        {
            Images?.Dispose();
            if (LogitGradient is not null)
            {
                foreach (Tensor tensor in LogitGradient)
                {
                    tensor.Dispose();
                }
            }
        }
    }
}
