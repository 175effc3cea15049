using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>
/// Adam as Keras defines it, on one flat parameter buffer and its gradient: with t the step number,
/// <c>m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²; p −= lr·√(1 − β2ᵗ)/(1 − β1ᵗ) · m / (√v + ε)</c>, epsilon outside the
/// square root (Keras's default 1e-7). One fused pass per step, clearing the gradient, in single precision.
/// </summary>
internal sealed unsafe class KerasAdam : IFlatOptimizer
{
    private readonly Tensor parameters;
    private readonly Tensor gradients;
    private readonly Tensor first;
    private readonly Tensor second;
    private readonly Tensor steps;
    private readonly float* parameterData;
    private readonly float* gradientData;
    private readonly float* firstData;
    private readonly float* secondData;
    private readonly float* stepData;
    private readonly int length;
    private readonly double beta1;
    private readonly double beta2;
    private readonly float epsilon;

    public KerasAdam(Tensor parameters, Tensor gradients, double learningRate, double beta1, double beta2, double epsilon)
    {
        this.parameters = parameters;
        this.gradients = gradients;
        length = checked((int)parameters.numel());
        if (gradients.numel() != length)
        {
            throw new ArgumentException("Parameters and gradients differ in size.", nameof(gradients));
        }

        first = zeros_like(parameters).DetachFromDisposeScope();
        second = zeros_like(parameters).DetachFromDisposeScope();
        steps = zeros(1).DetachFromDisposeScope();
        parameterData = TensorMemory.DataOf(parameters);
        gradientData = TensorMemory.DataOf(gradients);
        firstData = TensorMemory.DataOf(first);
        secondData = TensorMemory.DataOf(second);
        stepData = TensorMemory.DataOf(steps);
        LearningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = (float)epsilon;
    }

    public string Name => nameof(OptimizerKind.Adam);

    public double LearningRate { get; set; }

    /// <summary>First and second moments, and the step count (a one-element tensor, so a checkpoint carries it).</summary>
    public IReadOnlyList<Tensor> State => [first, second, steps];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step()
    {
        double t = stepData[0] += 1;
        float rate = (float)(LearningRate * Math.Sqrt(1 - Math.Pow(beta2, t)) / (1 - Math.Pow(beta1, t)));
        float b1 = (float)beta1, c1 = (float)(1 - beta1), b2 = (float)beta2, c2 = (float)(1 - beta2);
        float* p = parameterData;
        float* g = gradientData;
        float* m = firstData;
        float* v = secondData;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var b1V = Vector256.Create(b1);
            var c1V = Vector256.Create(c1);
            var b2V = Vector256.Create(b2);
            var c2V = Vector256.Create(c2);
            var epsilonV = Vector256.Create(epsilon);
            var rateV = Vector256.Create(rate);
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var gradient = Vector256.Load(g + i);
                var mean = (Vector256.Load(m + i) * b1V) + (c1V * gradient);
                var square = (Vector256.Load(v + i) * b2V) + (c2V * gradient * gradient);
                mean.Store(m + i);
                square.Store(v + i);
                (Vector256.Load(p + i) - (rateV * mean / (Vector256.Sqrt(square) + epsilonV))).Store(p + i);
                Vector256<float>.Zero.Store(g + i);
            }
        }

        for (; i < length; i++)
        {
            float gradient = g[i];
            float mean = (m[i] * b1) + (c1 * gradient);
            float square = (v[i] * b2) + (c2 * gradient * gradient);
            m[i] = mean;
            v[i] = square;
            p[i] -= rate * mean / (MathF.Sqrt(square) + epsilon);
            g[i] = 0;
        }

        GC.KeepAlive(parameters);
        GC.KeepAlive(gradients);
    }

    public void Dispose()
    {
        first.Dispose();
        second.Dispose();
        steps.Dispose();
    }
}
