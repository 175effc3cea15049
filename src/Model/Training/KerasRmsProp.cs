using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>
/// RMSprop as Keras and TensorFlow's ApplyRMSProp define it, on one flat parameter buffer and its gradient:
/// <c>ms = rho·ms + (1 − rho)·g²; p −= lr·g / sqrt(ms + eps)</c>, with <c>ms</c> starting at zero.
/// </summary>
/// <remarks>
/// <para>Chosen over <c>torch.optim.RMSProp</c>, which computes <c>lr·g / (sqrt(ms) + eps)</c>: the two differ wherever
/// <c>ms</c> is tiny (early steps, rarely active units), and the recipe being reproduced is Keras's.</para>
/// <para>The update is one fused pass over the three flat buffers, in managed code on their storage, which also
/// clears the gradient for the next backward pass: libtorch would take five kernels and a sixth to zero the gradient,
/// each a full pass over the parameters and a P/Invoke. The rounding follows
/// libtorch's kernels (<c>mul_</c>, <c>addcmul_</c>, <c>add_</c>, <c>sqrt_</c>, <c>addcdiv_</c>) operation by
/// operation, in single precision.</para>
/// <para>The buffers must be contiguous float32 CPU tensors whose storage is never reallocated (in-place
/// <c>copy_</c>/<c>load</c> keep it).</para>
/// </remarks>
internal sealed unsafe class KerasRmsProp : IFlatOptimizer
{
    private readonly Tensor parameters;
    private readonly Tensor gradients;
    private readonly Tensor meanSquares;
    private readonly float* parameterData;
    private readonly float* gradientData;
    private readonly float* meanSquareData;
    private readonly int length;
    private readonly float rho;
    private readonly float oneMinusRho;
    private readonly float epsilon;
    private float negativeLearningRate;
    private double learningRate;

    public KerasRmsProp(Tensor parameters, Tensor gradients, double learningRate, double rho, double epsilon)
    {
        this.parameters = parameters;
        this.gradients = gradients;
        meanSquares = zeros_like(parameters).DetachFromDisposeScope();
        length = checked((int)parameters.numel());
        if (gradients.numel() != length)
        {
            throw new ArgumentException("Parameters and gradients differ in size.", nameof(gradients));
        }

        parameterData = TensorMemory.DataOf(parameters);
        gradientData = TensorMemory.DataOf(gradients);
        meanSquareData = TensorMemory.DataOf(meanSquares);

        // libtorch converts each Scalar to the tensor's type before its kernel runs.
        this.rho = (float)rho;
        oneMinusRho = (float)(1 - rho);
        this.epsilon = (float)epsilon;
        LearningRate = learningRate;
    }

    /// <summary>The running mean of squared gradients, aligned with the flat parameter buffer.</summary>
    public Tensor MeanSquares => meanSquares;

    public string Name => nameof(OptimizerKind.RMSprop);

    public double LearningRate
    {
        get => learningRate;
        set
        {
            learningRate = value;
            negativeLearningRate = (float)-value;
        }
    }

    public IReadOnlyList<Tensor> State => [meanSquares];

    /// <summary>Applies the update and sets the gradient to zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step()
    {
        float* p = parameterData;
        float* g = gradientData;
        float* ms = meanSquareData;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var rhoV = Vector256.Create(rho);
            var oneMinusRhoV = Vector256.Create(oneMinusRho);
            var epsilonV = Vector256.Create(epsilon);
            var rateV = Vector256.Create(negativeLearningRate);
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var gradient = Vector256.Load(g + i);
                var meanSquare = (Vector256.Load(ms + i) * rhoV) + (oneMinusRhoV * gradient * gradient);
                meanSquare.Store(ms + i);
                var root = Vector256.Sqrt(meanSquare + epsilonV);
                (Vector256.Load(p + i) + (rateV * gradient / root)).Store(p + i);
                Vector256<float>.Zero.Store(g + i);
            }
        }

        for (; i < length; i++)
        {
            float gradient = g[i];
            float meanSquare = (ms[i] * rho) + (oneMinusRho * gradient * gradient);
            ms[i] = meanSquare;
            p[i] += negativeLearningRate * gradient / MathF.Sqrt(meanSquare + epsilon);
            g[i] = 0;
        }

        GC.KeepAlive(parameters);
        GC.KeepAlive(gradients);
    }

    public void Dispose() => meanSquares.Dispose();
}
