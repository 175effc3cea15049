using static TorchSharp.torch;

namespace Siamese.Model.Tests;

[Collection(TorchCollection.Name)]
public sealed class KerasRmsPropTests
{
    [Fact]
    public void Step_TwoSteps_MatchesKerasFormulaWithEpsilonInsideTheRoot()
    {
        const double lr = 0.1, rho = 0.9, eps = 1e-7;
        double[] p = [1.0, -2.0, 3.0, 0.5];
        double[][] g = [[0.5, -1.0, 0.0, 1e-4], [0.25, 2.0, -3.0, 1e-4]];
        using var parameters = tensor(p.Select(v => (float)v).ToArray());
        using var gradients = zeros(4);
        using var optimizer = new KerasRmsProp(parameters, gradients, lr, rho, eps);
        double[] ms = new double[4];

        foreach (double[] step in g)
        {
            using (var values = tensor(step.Select(v => (float)v).ToArray()))
            {
                gradients.copy_(values);
            }

            optimizer.Step();
            for (int i = 0; i < 4; i++)
            {
                ms[i] = (rho * ms[i]) + ((1 - rho) * step[i] * step[i]);
                p[i] -= lr * step[i] / Math.Sqrt(ms[i] + eps);
            }
        }

        float[] actual = parameters.data<float>().ToArray();
        float[] actualMs = optimizer.MeanSquares.data<float>().ToArray();
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(p[i], actual[i], 5);
            Assert.Equal(ms[i], actualMs[i], 7);
        }
    }

    [Fact]
    public void Step_TinyGradient_DiffersFromEpsilonOutsideTheRoot()
    {
        // g = 1e-4 → ms = 1e-9: Keras divides by sqrt(1e-9 + 1e-7) ≈ 3.2e-4, PyTorch by sqrt(1e-9) + 1e-7 ≈ 3.2e-5.
        using var parameters = zeros(1);
        using var gradients = full(1, 1e-4f);
        using var optimizer = new KerasRmsProp(parameters, gradients, 1e-3, 0.9, 1e-7);

        optimizer.Step();

        double keras = -1e-3 * 1e-4 / Math.Sqrt((0.1 * 1e-8) + 1e-7);
        Assert.Equal(keras, parameters.item<float>(), 7);
    }
}
