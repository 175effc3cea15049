using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>
/// The training pass of the MLP tower with the sigmoid head (the tutorial's network, the default and Fast profiles),
/// forward and backward, without autograd: the matrix products are libtorch's (<c>addmm_</c> into buffers allocated
/// once, so the same MKL kernels as <see cref="SiameseNetwork.ForwardTraining"/>), and ReLU, dropout, the distance,
/// the head and every backward step between the products are a few vectorised loops over those buffers.
/// </summary>
/// <remarks>
/// <para>Why: at batch 20 a step through autograd spent about 0.4 of its 0.7 ms in some 40 libtorch calls and the
/// autograd engine, not in arithmetic. Here a step makes 3 forward and 2L − 1 backward products, nothing else.</para>
/// <para>It computes what autograd computes over the same modules: the same weights (views of the trainer's flat
/// buffer), the same dropout masks in the same order from <see cref="SiameseNetwork.DropoutRandom"/>, and each
/// parameter's gradient written (not added) into the flat gradient buffer. Sums may run in another order, so results
/// agree to float rounding; the trainer's tests compare the two.</para>
/// </remarks>
internal sealed unsafe class MlpTrainStep : IDisposable
{
    private readonly DenseLayer[] layers;
    private readonly float* headWeight;
    private readonly float* headBias;
    private readonly float* headWeightGradient;
    private readonly float* headBiasGradient;
    private readonly Tensor[] owned;
    private readonly Tensor[] activations;
    private readonly Tensor[] activationGradients;
    private readonly float*[] activationData;
    private readonly float*[] activationGradientData;
    private readonly float[] mask;
    private readonly float[] difference;
    private readonly float[] distance;
    private readonly DropoutRandom random;
    private readonly double rate;
    private readonly float kept;
    private readonly bool squared;
    private readonly int width;
    private RowViews views;

    public MlpTrainStep(SiameseNetwork network, ModelOptions options, int maxBatch)
    {
        var linears = network.Tower.children().OfType<Linear>().ToArray();
        var head = network.Head ?? throw new ArgumentException("The MLP step needs the sigmoid head.", nameof(network));
        var ownedTensors = new List<Tensor>();
        layers = linears.Select(linear => DenseLayer.Of(linear, ownedTensors)).ToArray();
        var (headW, headWGrad) = (Detached(head.weight!, ownedTensors), Gradient(head.weight!, ownedTensors));
        var (headB, headBGrad) = (Detached(head.bias!, ownedTensors), Gradient(head.bias!, ownedTensors));
        headWeight = TensorMemory.DataOf(headW);
        headWeightGradient = TensorMemory.DataOf(headWGrad);
        headBias = TensorMemory.DataOf(headB);
        headBiasGradient = TensorMemory.DataOf(headBGrad);

        activations = layers.Select(l => zeros(2L * maxBatch, l.Outputs).DetachFromDisposeScope()).ToArray();
        activationGradients = layers.Select(l => zeros(2L * maxBatch, l.Outputs).DetachFromDisposeScope()).ToArray();
        ownedTensors.AddRange(activations);
        ownedTensors.AddRange(activationGradients);
        owned = [.. ownedTensors];
        activationData = new float*[layers.Length];
        activationGradientData = new float*[layers.Length];
        for (int k = 0; k < layers.Length; k++)
        {
            activationData[k] = TensorMemory.DataOf(activations[k]);
            activationGradientData[k] = TensorMemory.DataOf(activationGradients[k]);
        }

        width = layers[^1].Outputs;
        mask = new float[2 * maxBatch * layers.Max(l => l.Outputs)];
        difference = new float[maxBatch * width];
        distance = new float[maxBatch * width];
        random = network.DropoutRandom;
        rate = options.Dropout;
        kept = (float)(1 / (1 - rate));
        squared = network.SquaredDistance;
    }

    /// <summary>Whether this step computes <paramref name="options"/>' network: an MLP tower and the sigmoid head.</summary>
    public static bool Handles(ModelOptions options) => !options.IsConv && !options.IsContrastive;

    /// <summary>
    /// Forward and backward over <paramref name="rows"/> ([2N, InputSize], left images above right ones): writes each
    /// pair's logit into <paramref name="logits"/> and every parameter's gradient into the flat gradient buffer.
    /// </summary>
    /// <returns>The batch's mean binary cross-entropy.</returns>
    public double Run(Tensor rows, ReadOnlySpan<float> labels, Span<float> logits, Span<float> logitGradient)
    {
        int pairs = labels.Length;
        RowViews v = ViewsFor(rows, 2 * pairs);
        for (int k = 0; k < layers.Length; k++)
        {
            Forward(k, v);
        }

        float* embedded = activationData[^1];
        Head(embedded, pairs, logits);
        double loss = PairLosses.BinaryCrossEntropyAndGradient(logits, labels, logitGradient);
        HeadBackward(pairs, logitGradient, activationGradientData[^1]);
        for (int k = layers.Length - 1; k >= 0; k--)
        {
            Backward(k, v);
        }

        return loss;
    }

    public void Dispose()
    {
        views.Dispose();
        foreach (Tensor tensor in owned)
        {
            tensor.Dispose();
        }
    }


    private static Tensor Detached(Tensor parameter, List<Tensor> owned)
    {
        Tensor detached = parameter.detach().DetachFromDisposeScope();
        owned.Add(detached);
        return detached;
    }

    private static Tensor Gradient(Tensor parameter, List<Tensor> owned)
    {
        Tensor gradient = parameter.grad?.DetachFromDisposeScope() ?? throw new InvalidOperationException("The parameter has no gradient buffer.");
        owned.Add(gradient);
        return gradient;
    }

    /// <summary>In place: result = result·β + a·b (β = 0 ignores what was there).</summary>
    private static void AddMatrixProduct(Tensor result, Tensor a, Tensor b, float beta)
    {
        Tensor returned = result.addmm_(a, b, beta, 1);
        if (!ReferenceEquals(returned, result))
        {
            returned.Dispose();
        }
    }

    /// <summary>Layer k: bias rows, += input·Wᵀ (what <c>nn.Linear</c>'s addmm computes), ReLU, then dropout unless it is the last layer.</summary>
    private void Forward(int k, RowViews v)
    {
        DenseLayer layer = layers[k];
        int rows = v.Rows, n = layer.Outputs;
        float* output = activationData[k];
        var bias = new ReadOnlySpan<float>(layer.Bias, n);
        for (int r = 0; r < rows; r++)
        {
            bias.CopyTo(new Span<float>(output + ((long)r * n), n));
        }

        AddMatrixProduct(v.Outputs[k], v.Inputs[k], layer.WeightTransposed, beta: 1);
        int count = rows * n;
        if (k < layers.Length - 1 && rate > 0)
        {
            random.Fill(mask.AsSpan(0, count), rate);
            fixed (float* m = mask)
            {
                MlpVectors.ReluTimes(output, m, count);
            }
        }
        else
        {
            MlpVectors.Relu(output, count);
        }
    }

    /// <summary>
    /// Layer k's backward pass, from d(loss)/d(output) in its gradient buffer: through dropout and ReLU in place
    /// (output &gt; 0 ⇔ kept and active), then dW = dZᵀ·input, db = Σ rows of dZ, and d(input) = dZ·W below the first layer.
    /// </summary>
    private void Backward(int k, RowViews v)
    {
        DenseLayer layer = layers[k];
        int rows = v.Rows, n = layer.Outputs;
        float* gradient = activationGradientData[k];
        float scale = k < layers.Length - 1 && rate > 0 ? kept : 1f;
        MlpVectors.GateByPositive(gradient, activationData[k], scale, rows * n);
        AddMatrixProduct(layer.WeightGradient, v.OutputGradientsTransposed[k], v.Inputs[k], beta: 0);
        MlpVectors.ColumnSums(gradient, rows, n, layer.BiasGradient);
        if (k > 0)
        {
            AddMatrixProduct(v.OutputGradients[k - 1], v.OutputGradients[k], layer.Weight, beta: 0);
        }
    }

    /// <summary>logit = |a − b| (or (a − b)²)·w + bias for each pair; keeps the difference and the distance for the backward pass.</summary>
    private void Head(float* embedded, int pairs, Span<float> logits)
    {
        long rightStart = (long)pairs * width;
        fixed (float* diff = difference, dist = distance)
        {
            for (int i = 0; i < pairs; i++)
            {
                long row = (long)i * width;
                logits[i] = *headBias + MlpVectors.DistanceDot(embedded + row, embedded + rightStart + row, diff + row, dist + row, headWeight, width, squared);
            }
        }
    }

    /// <summary>
    /// From d(loss)/d(logit): the head's gradients (dW = Σ g·distance, db = Σ g), then d(loss)/d(embedding) into the
    /// last layer's gradient buffer: ± g·w·sign(a − b) (L1) or ± g·w·2(a − b) (L2), + for the left image, − for the right.
    /// </summary>
    private void HeadBackward(int pairs, ReadOnlySpan<float> logitGradient, float* embeddingGradient)
    {
        new Span<float>(headWeightGradient, width).Clear();
        float biasGradient = 0;
        long rightStart = (long)pairs * width;
        fixed (float* diff = difference, dist = distance)
        {
            for (int i = 0; i < pairs; i++)
            {
                long row = (long)i * width;
                float g = logitGradient[i];
                biasGradient += g;
                MlpVectors.HeadGradients(g, diff + row, dist + row, headWeight, headWeightGradient, embeddingGradient + row, embeddingGradient + rightStart + row, width, squared);
            }
        }

        *headBiasGradient = biasGradient;
    }

    /// <summary>Views for this many rows, kept while the batch size stays the same (the usual case).</summary>
    private RowViews ViewsFor(Tensor rows, int count)
    {
        if (views.Rows != count || !ReferenceEquals(views.Source, rows))
        {
            // Owned here, not by a caller's dispose scope; the old views go only once the new ones exist.
            var outputs = activations.Select(a => a.narrow(0, 0, count).DetachFromDisposeScope()).ToArray();
            var outputGradients = activationGradients.Select(a => a.narrow(0, 0, count).DetachFromDisposeScope()).ToArray();
            var replaced = views;
            views = new RowViews(
                count,
                rows,
                [rows, .. outputs[..^1]],
                outputs,
                outputGradients,
                outputGradients.Select(g => g.t().DetachFromDisposeScope()).ToArray());
            replaced.Dispose();
        }

        return views;
    }

    /// <summary>One Dense layer's weight (and its transpose), bias and gradients: detached views of the trainer's flat buffers.</summary>
    private sealed class DenseLayer
    {
        private DenseLayer(Linear linear, List<Tensor> owned)
        {
            Weight = Detached(linear.weight!, owned);
            WeightTransposed = Weight.t().DetachFromDisposeScope();
            owned.Add(WeightTransposed);
            Outputs = (int)Weight.shape[0];
            Bias = TensorMemory.DataOf(Detached(linear.bias!, owned));
            WeightGradient = Gradient(linear.weight!, owned);
            BiasGradient = TensorMemory.DataOf(Gradient(linear.bias!, owned));
        }

        public int Outputs { get; }

        public Tensor Weight { get; }

        public Tensor WeightTransposed { get; }

        public float* Bias { get; }

        public Tensor WeightGradient { get; }

        public float* BiasGradient { get; }

        public static DenseLayer Of(Linear linear, List<Tensor> owned) => new(linear, owned);
    }

    private readonly record struct RowViews(int Rows, Tensor? Source, Tensor[] Inputs, Tensor[] Outputs, Tensor[] OutputGradients, Tensor[] OutputGradientsTransposed) : IDisposable
    {
        public void Dispose()
        {
            // Inputs are the source rows (not ours) and the outputs again.
            foreach (Tensor[]? group in new[] { Outputs, OutputGradients, OutputGradientsTransposed })
            {
                foreach (Tensor tensor in group ?? [])
                {
                    tensor.Dispose();
                }
            }
        }
    }
}
