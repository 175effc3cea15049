using static TorchSharp.torch;

namespace Siamese.Model.Tests;

[Collection(TorchCollection.Name)]
public sealed class SiameseNetworkTests
{
    [Fact]
    public void Forward_FlatImages_ReturnsOneLogitPerPair()
    {
        manual_seed(1);
        using var network = new SiameseNetwork(new ModelOptions());
        using var left = rand(5, 784);
        using var right = rand(5, 784);

        using var logits = network.forward(left, right);

        Assert.Equal(new long[] { 5 }, logits.shape);
    }

    [Fact]
    public void Constructor_KerasInitialization_GlorotWeightsAndZeroBiases()
    {
        manual_seed(3);
        using var network = new SiameseNetwork(new ModelOptions());

        foreach (var (name, parameter) in network.named_parameters())
        {
            if (name.EndsWith("bias", StringComparison.Ordinal))
            {
                Assert.Equal(0f, parameter.abs().max().item<float>());
            }
            else
            {
                // Glorot uniform: U(-l, l) with l = sqrt(6 / (fan_in + fan_out)); its variance is l^2 / 3.
                double limit = Math.Sqrt(6.0 / (parameter.shape[0] + parameter.shape[1]));
                Assert.True(parameter.abs().max().item<float>() <= limit, name);
                Assert.InRange(parameter.var().item<float>(), 0.8 * limit * limit / 3, 1.2 * limit * limit / 3);
            }
        }
    }

    [Fact]
    public void Constructor_TorchInitialization_NonZeroBiases()
    {
        manual_seed(3);
        using var network = new SiameseNetwork(new ModelOptions { Initialization = WeightInitialization.Torch });

        Assert.All(network.named_parameters().Where(p => p.name.EndsWith("bias", StringComparison.Ordinal)), p => Assert.True(p.parameter.abs().max().item<float>() > 0));
    }

    [Fact]
    public void Forward_SquareImages_FlattensThem()
    {
        manual_seed(1);
        using var network = new SiameseNetwork(new ModelOptions());
        using var left = rand(3, 28, 28);
        using var right = rand(3, 28, 28);

        using var logits = network.forward(left, right);

        Assert.Equal(new long[] { 3 }, logits.shape);
    }

    [Fact]
    public void NamedParameters_DefaultOptions_AreTheDocumentedKeysAndShapes()
    {
        using var network = new SiameseNetwork(new ModelOptions());

        var shapes = network.named_parameters().Select(p => $"{p.name} [{string.Join(", ", p.parameter.shape)}]");

        Assert.Equal(
            [
                "tower.fc1.weight [128, 784]",
                "tower.fc1.bias [128]",
                "tower.fc2.weight [128, 128]",
                "tower.fc2.bias [128]",
                "tower.fc3.weight [128, 128]",
                "tower.fc3.bias [128]",
                "head.weight [1, 128]",
                "head.bias [1]",
            ],
            shapes);
    }

    [Fact]
    public void NamedParameters_CustomHiddenSizes_FollowThem()
    {
        using var network = new SiameseNetwork(new ModelOptions { InputSize = 10, HiddenSizes = [7, 5] });

        var shapes = network.named_parameters().Select(p => $"{p.name} [{string.Join(", ", p.parameter.shape)}]");

        Assert.Equal(
            ["tower.fc1.weight [7, 10]", "tower.fc1.bias [7]", "tower.fc2.weight [5, 7]", "tower.fc2.bias [5]", "head.weight [1, 5]", "head.bias [1]"],
            shapes);
    }

    [Theory]
    [InlineData(DistanceKind.L1)]
    [InlineData(DistanceKind.L2)]
    public void Forward_SwappedInputsInEvalMode_GivesTheSameLogits(DistanceKind distance)
    {
        manual_seed(2);
        using var network = new SiameseNetwork(new ModelOptions { Distance = distance });
        network.eval();
        using var a = rand(8, 784);
        using var b = rand(8, 784);
        using var noGrad = no_grad();

        using var ab = network.forward(a, b);
        using var ba = network.forward(b, a);

        Assert.Equal(ab.data<float>().ToArray(), ba.data<float>().ToArray());
    }

    [Theory]
    [InlineData(DistanceKind.L1)]
    [InlineData(DistanceKind.L2)]
    public void Forward_IdenticalImages_GivesTheHeadBias(DistanceKind distance)
    {
        manual_seed(3);
        using var network = new SiameseNetwork(new ModelOptions { Distance = distance });
        network.eval();
        using var a = rand(4, 784);
        using var noGrad = no_grad();

        using var logits = network.forward(a, a);

        float bias = network.named_parameters().Single(p => p.name == "head.bias").parameter.item<float>();
        Assert.All(logits.data<float>().ToArray(), logit => Assert.Equal(bias, logit));
    }

    [Fact]
    public void Forward_L1AndL2_Differ()
    {
        manual_seed(4);
        using var l1 = new SiameseNetwork(new ModelOptions { Distance = DistanceKind.L1 });
        manual_seed(4);
        using var l2 = new SiameseNetwork(new ModelOptions { Distance = DistanceKind.L2 });
        l1.eval();
        l2.eval();
        using var a = rand(4, 784);
        using var b = rand(4, 784);
        using var noGrad = no_grad();

        using var x = l1.forward(a, b);
        using var y = l2.forward(a, b);

        Assert.NotEqual(x.data<float>().ToArray(), y.data<float>().ToArray());
    }
}
