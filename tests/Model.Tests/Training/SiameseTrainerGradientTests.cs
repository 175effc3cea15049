using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace Siamese.Model.Tests;

/// <summary>
/// libtorch's backward pass adds into each parameter's gradient, so the trainer's optimiser must leave the flat
/// gradient buffer at zero after every step, or each step would also apply all the earlier steps' gradients.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class SiameseTrainerGradientTests
{
    private const int InputSize = 784;
    private const int Pairs = 20;
    private const double LearningRate = 1e-3, Rho = 0.9, Epsilon = 1e-7;

    [Fact]
    public void TrainStep_OneStep_LeavesEveryParameterGradientZero()
    {
        var pairs = SyntheticPairs.Create(Pairs, InputSize, seed: 51);
        using var trainer = NewTrainer(new ModelOptions(), seed: 52);

        trainer.TrainStep(pairs.Left, pairs.Right, pairs.Labels);

        foreach ((string name, var parameter) in trainer.Network.named_parameters())
        {
            Assert.True(parameter.grad is not null, $"{name} has no gradient tensor");
            Assert.True(parameter.grad.count_nonzero().item<long>() == 0, $"{name} gradient not cleared: max |g| {parameter.grad.abs().max().item<float>()}");
        }
    }

    [Fact]
    public void TrainStep_SameBatchTwice_MatchesTwoIndependentKerasRmsPropSteps()
    {
        // No dropout, so both steps are deterministic and the reference needs no generator state.
        var options = new ModelOptions { Dropout = 0 };
        var pairs = SyntheticPairs.Create(Pairs, InputSize, seed: 53);
        manual_seed(54);
        using var reference = new SiameseNetwork(options);
        reference.train();
        using var trainer = NewTrainer(options, seed: 54);

        trainer.TrainStep(pairs.Left, pairs.Right, pairs.Labels);
        trainer.TrainStep(pairs.Left, pairs.Right, pairs.Labels);

        using var left = tensor(pairs.Left).view(Pairs, InputSize);
        using var right = tensor(pairs.Right).view(Pairs, InputSize);
        using var labels = tensor(pairs.Labels);
        var meanSquares = reference.named_parameters().ToDictionary(p => p.name, p => zeros_like(p.parameter));
        for (int step = 0; step < 2; step++)
        {
            using var scope = NewDisposeScope();
            reference.zero_grad();
            binary_cross_entropy_with_logits(reference.forward(left, right), labels).backward();
            using var noGrad = no_grad();
            foreach ((string name, var parameter) in reference.named_parameters())
            {
                Tensor g = parameter.grad!;
                meanSquares[name].mul_(Rho).add_((1 - Rho) * g * g);
                parameter.sub_(LearningRate * g / (meanSquares[name] + Epsilon).sqrt());
            }
        }

        var trained = trainer.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach ((string name, var parameter) in reference.named_parameters())
        {
            Assert.True(parameter.allclose(trained[name], rtol: 0, atol: 1e-6), $"{name}: max difference {(parameter - trained[name]).abs().max().item<float>()}");
        }

        foreach (var meanSquare in meanSquares.Values)
        {
            meanSquare.Dispose();
        }
    }

    private static SiameseTrainer NewTrainer(ModelOptions options, long seed) =>
        new(options, new TrainerSettings { Seed = seed, TorchThreads = 1, LearningRate = LearningRate, Rho = Rho, Epsilon = Epsilon }, Pairs);
}
