using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>
/// RMSprop as Keras and TensorFlow's ApplyRMSProp define it, on one flat parameter buffer and its gradient:
/// <c>ms = rho·ms + (1 − rho)·g²; p −= lr·g / sqrt(ms + eps)</c>, with <c>ms</c> starting at zero.
/// </summary>
/// <remarks>
/// Chosen over <c>torch.optim.RMSProp</c>, which computes <c>lr·g / (sqrt(ms) + eps)</c>: the two differ wherever
/// <c>ms</c> is tiny (early steps, rarely active units), and the recipe being reproduced is Keras's. Working on the
/// flat buffers makes a step six tensor operations however many layers the network has.
/// </remarks>
internal sealed class KerasRmsProp : IDisposable
{
    private readonly Tensor parameters;
    private readonly Tensor gradients;
    private readonly Tensor meanSquares;
    private readonly Tensor denominator;
    private readonly Scalar rho;
    private readonly Scalar oneMinusRho;
    private readonly Scalar epsilon;
    private readonly Scalar negativeLearningRate;

    public KerasRmsProp(Tensor parameters, Tensor gradients, double learningRate, double rho, double epsilon)
    {
        this.parameters = parameters;
        this.gradients = gradients;
        meanSquares = zeros_like(parameters).DetachFromDisposeScope();
        denominator = empty_like(parameters).DetachFromDisposeScope();
        this.rho = rho.ToScalar();
        oneMinusRho = (1 - rho).ToScalar();
        this.epsilon = epsilon.ToScalar();
        negativeLearningRate = (-learningRate).ToScalar();
    }

    /// <summary>The running mean of squared gradients, aligned with the flat parameter buffer.</summary>
    public Tensor MeanSquares => meanSquares;

    public void Step()
    {
        using var noGrad = no_grad();
        meanSquares.mul_(rho).addcmul_(gradients, gradients, oneMinusRho);
        denominator.copy_(meanSquares).add_(epsilon).sqrt_();
        parameters.addcdiv_(gradients, denominator, negativeLearningRate);
    }

    public void Dispose()
    {
        meanSquares.Dispose();
        denominator.Dispose();
        rho.Dispose();
        oneMinusRho.Dispose();
        epsilon.Dispose();
        negativeLearningRate.Dispose();
    }
}
