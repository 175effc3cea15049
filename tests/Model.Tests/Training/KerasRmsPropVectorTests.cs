using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace Siamese.Model.Tests;

/// <summary>
/// <see cref="KerasRmsProp.Step"/> over a buffer long enough for its 8-wide vector loop (when the machine has
/// <see cref="Vector256"/>) and its scalar tail: 37 = 4 × 8 + 5 elements, against a double-precision reference.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class KerasRmsPropVectorTests
{
    private const int Length = 37;
    private const int Steps = 4;
    private const double LearningRate = 0.01, Rho = 0.9, Epsilon = 1e-7;

    [Fact]
    public void Step_ThirtySevenElementsOverSeveralSteps_MatchesDoublePrecisionKerasFormulaInEveryLane()
    {
        float[] initial = Initial();
        using var parameters = tensor(initial);
        using var gradients = zeros(Length);
        using var optimizer = new KerasRmsProp(parameters, gradients, LearningRate, Rho, Epsilon);
        double[] p = initial.Select(v => (double)v).ToArray();
        double[] ms = new double[Length];

        for (int step = 0; step < Steps; step++)
        {
            float[] g = Gradient(step);
            using (var values = tensor(g))
            {
                gradients.copy_(values);
            }

            optimizer.Step();
            for (int i = 0; i < Length; i++)
            {
                ms[i] = (Rho * ms[i]) + ((1 - Rho) * g[i] * g[i]);
                p[i] -= LearningRate * g[i] / Math.Sqrt(ms[i] + Epsilon);
            }
        }

        float[] actual = parameters.data<float>().ToArray();
        float[] actualMs = optimizer.MeanSquares.data<float>().ToArray();
        var wrong = Enumerable.Range(0, Length)
            .Where(i => Math.Abs(actual[i] - p[i]) > 5e-7 || Math.Abs(actualMs[i] - ms[i]) > 1e-6 * ms[i])
            .Select(i => $"[{i}] p {actual[i]:G7}≠{p[i]:G7} ms {actualMs[i]:G3}≠{ms[i]:G3}");
        Assert.Empty(wrong);
    }

    [Fact]
    public void Step_ThirtySevenElements_LeavesEveryGradientZero()
    {
        using var parameters = tensor(Initial());
        using var gradients = tensor(Gradient(0));
        using var optimizer = new KerasRmsProp(parameters, gradients, LearningRate, Rho, Epsilon);

        optimizer.Step();

        Assert.Equal(new float[Length], gradients.data<float>().ToArray());
    }

    private static float[] Initial()
    {
        var random = new Random(41);
        return Enumerable.Range(0, Length).Select(_ => (2 * random.NextSingle()) - 1).ToArray();
    }

    /// <summary>
    /// Gradients from 1e-5 to 1 in magnitude, every magnitude in both the vector lanes and the tail: where the mean
    /// square is near epsilon, epsilon inside or outside the root changes the step tenfold.
    /// </summary>
    private static float[] Gradient(int step)
    {
        var random = new Random(100 + step);
        return Enumerable.Range(0, Length)
            .Select(i => (random.Next(2) == 0 ? -1 : 1) * (1 + random.NextSingle()) * MathF.Pow(10, -5 + (i % 6)))
            .ToArray();
    }
}
