using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace Siamese.Model.Tests;

/// <summary>
/// The hand-written MLP training pass against autograd over the same modules, weights, batch and dropout masks: the
/// loss, every logit and every parameter's gradient.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class MlpTrainStepTests
{
    private const int InputSize = 784;

    public static TheoryData<DistanceKind, int[], double, int> Networks => new()
    {
        { DistanceKind.L1, [128, 128, 128], 0.1, 20 },
        { DistanceKind.L1, [128, 128, 128], 0.1, 1 },
        { DistanceKind.L2, [128, 128, 128], 0.1, 20 },
        { DistanceKind.L1, [128, 128, 128], 0, 128 },
        { DistanceKind.L2, [64, 30], 0.3, 7 },
        { DistanceKind.L1, [13], 0.5, 5 },
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Run_SameBatchAndMasks_GivesAutogradsLossLogitsAndGradients(DistanceKind distance, int[] hidden, double dropout, int pairs)
    {
        var options = new ModelOptions { Distance = distance, HiddenSizes = hidden, Dropout = dropout };
        var batch = SyntheticPairs.Create(pairs, InputSize, seed: 61 + pairs);
        manual_seed(62);
        using var network = new SiameseNetwork(options);
        network.train();
        var (flatParameters, flatGradients, _) = FlatParameters.Pack(network);
        using var parameters = flatParameters;
        using var gradients = flatGradients;
        using var rows = cat([tensor(batch.Left).view(pairs, InputSize), tensor(batch.Right).view(pairs, InputSize)], 0);
        byte[] maskState = DropoutState.Save(network.DropoutRandom);
        var logits = new float[pairs];
        var logitGradient = new float[pairs];

        double loss;
        using (var step = new MlpTrainStep(network, options, maxBatch: 128))
        {
            loss = step.Run(rows, batch.Labels, logits, logitGradient);
        }

        using var handWritten = gradients.clone();
        gradients.zero_();
        DropoutState.Load(network.DropoutRandom, maskState);
        using var scope = NewDisposeScope();
        Tensor scores = network.ForwardTraining(rows);
        Tensor expectedLoss = binary_cross_entropy_with_logits(scores.view(-1), tensor(batch.Labels));
        expectedLoss.backward();

        Assert.Equal(expectedLoss.item<float>(), loss, 1e-6);
        float[] expectedLogits = scores.view(-1).data<float>().ToArray();
        for (int i = 0; i < pairs; i++)
        {
            Assert.True(Math.Abs(expectedLogits[i] - logits[i]) <= 1e-5, $"logit {i}: {logits[i]} vs autograd {expectedLogits[i]}");
        }

        long offset = 0;
        foreach ((string name, var parameter) in network.named_parameters())
        {
            long size = parameter.numel();
            using var ours = handWritten.narrow(0, offset, size);
            using var theirs = gradients.narrow(0, offset, size);
            double scale = Math.Max(theirs.abs().max().item<float>(), 1e-12);
            double worst = (ours - theirs).abs().max().item<float>();
            Assert.True(worst <= 1e-5 * scale, $"{name}: worst |difference| {worst} against largest gradient {scale}");
            Assert.True(theirs.count_nonzero().item<long>() > 0, $"{name}: autograd's gradient is all zero; the comparison proves nothing");
            offset += size;
        }
    }
}
