using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

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
/// <para>The MLP tower with the sigmoid head (the default) steps through <see cref="MlpTrainStep"/>, which computes
/// autograd's gradients without its graph; the conv tower and the contrastive loss step through autograd.</para>
/// </remarks>
public sealed unsafe class SiameseTrainer : IDisposable
{
    private readonly SiameseNetwork network;
    private readonly Tensor flatParameters;
    private readonly Tensor flatGradients;
    private readonly IFlatOptimizer optimizer;
    private readonly Tensor inputs;
    private readonly Tensor targets;
    private readonly Tensor logitGradients;
    private readonly unsafe float* inputData;
    private readonly unsafe float* logitGradientData;
    private readonly int inputSize;
    private readonly int maxBatch;
    private readonly MlpTrainStep? mlpStep;
    private readonly float[] logits;
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
        optimizer = settings.Optimizer == OptimizerKind.Adam
            ? new KerasAdam(flatParameters, flatGradients, settings.LearningRate, settings.Beta1, settings.Beta2, settings.Epsilon)
            : new KerasRmsProp(flatParameters, flatGradients, settings.LearningRate, settings.Rho, settings.Epsilon);
        inputs = zeros(2L * maxBatch, inputSize).DetachFromDisposeScope();
        targets = zeros(maxBatch).DetachFromDisposeScope();
        logitGradients = zeros(maxBatch, 1).DetachFromDisposeScope();
        unsafe
        {
            inputData = TensorMemory.DataOf(inputs);
            logitGradientData = TensorMemory.DataOf(logitGradients);
        }

        logits = new float[maxBatch];
        mlpStep = MlpTrainStep.Handles(modelOptions) ? new MlpTrainStep(network, modelOptions, maxBatch) : null;
        Model = SiameseModel.Borrow(network, modelOptions);
        network.train();
    }

    public ModelOptions Options { get; }

    /// <summary>
    /// The weights as they are now, for scoring: the trainer's own network through <see cref="SiameseModel"/>'s one
    /// scoring path, in evaluation mode for each call. Use it on the trainer's thread, between steps.
    /// </summary>
    public SiameseModel Model { get; }

    public TrainerSettings Settings { get; }

    /// <summary>Training steps taken, including those restored by <see cref="TrainerFiles.LoadState"/>.</summary>
    public long StepCount { get; internal set; }

    /// <summary>Largest number of pairs passed to one call.</summary>
    public int MaxBatch => maxBatch;

    /// <summary>Weight keys and shapes, in the order of the saved files (see <see cref="SiameseNetwork"/>).</summary>
    public IReadOnlyList<(string Name, long[] Shape)> ParameterShapes { get; }

    internal SiameseNetwork Network => network;

    internal bool IsDisposed => disposed;

    /// <summary>The rate the next step uses; starts at <see cref="TrainerSettings.LearningRate"/>, a schedule changes it.</summary>
    public double LearningRate
    {
        get => optimizer.LearningRate;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            optimizer.LearningRate = value;
        }
    }

    /// <summary>The optimiser's state a checkpoint keeps, and its name.</summary>
    internal IFlatOptimizer Optimizer => optimizer;

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
        var (loss, correct) = mlpStep is null ? AutogradPass(views, labels) : MlpPass(mlpStep, views, labels);
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

    /// <summary>Width of an embedding: the tower's last layer.</summary>
    public int EmbeddingSize => Options.GetHiddenSizes()[^1];

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        Model.Dispose();
        mlpStep?.Dispose();
        optimizer.Dispose();
        network.Dispose();
        flatParameters.Dispose();
        flatGradients.Dispose();
        inputs.Dispose();
        targets.Dispose();
        logitGradients.Dispose();
        staged.Dispose();
    }

    /// <summary>Forward and backward through <see cref="MlpTrainStep"/>: the batch's loss and correct pairs, the gradients in the flat buffer.</summary>
    private (double Loss, int Correct) MlpPass(MlpTrainStep step, StagedViews views, ReadOnlySpan<float> labels)
    {
        Span<float> batchLogits = logits.AsSpan(0, labels.Length);
        double loss = step.Run(views.Images, labels, batchLogits, new Span<float>(logitGradientData, labels.Length));
        return (loss, CountCorrect(batchLogits, labels));
    }

    /// <summary>Forward and backward through autograd (the conv tower, the contrastive loss): the batch's loss and correct pairs, the gradients in the flat buffer.</summary>
    private (double Loss, int Correct) AutogradPass(StagedViews views, ReadOnlySpan<float> labels)
    {
        using var scope = NewDisposeScope();
        Tensor scores = network.ForwardTraining(views.Images);
        double loss;
        try
        {
            if (network.IsContrastive)
            {
                Tensor mean = PairLosses.Contrastive(scores, StageTargets(labels), network.Margin, nn.Reduction.Mean);
                loss = mean.item<float>();
                mean.backward();
            }
            else
            {
                loss = PairLosses.BinaryCrossEntropyAndGradient(scores, labels, new Span<float>(logitGradientData, labels.Length));
                scores.backward(views.LogitGradient);
            }
        }
        catch
        {
            // A partial backward pass may have accumulated into the gradient buffer, which Step would have cleared.
            flatGradients.zero_();
            throw;
        }

        return (loss, CountCorrect(scores, labels));
    }

    /// <summary>Pairs whose score says what their label says (<see cref="SiameseNetwork.IsSame"/>).</summary>
    private int CountCorrect(Tensor scores, ReadOnlySpan<float> labels) => CountCorrect(MemoryMarshal.Cast<byte, float>(scores.bytes), labels);

    private int CountCorrect(ReadOnlySpan<float> values, ReadOnlySpan<float> labels)
    {
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (network.IsSame(values[i]) == Metrics.IsSame(labels[i]))
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

    /// <summary>The labels in the preallocated target tensor: a view of the first <c>labels.Length</c>.</summary>
    private Tensor StageTargets(ReadOnlySpan<float> labels)
    {
        labels.CopyTo(MemoryMarshal.Cast<byte, float>(targets.bytes));
        return targets.narrow(0, 0, labels.Length);
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
