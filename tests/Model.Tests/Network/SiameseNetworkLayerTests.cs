using static TorchSharp.torch;

namespace Siamese.Model.Tests;

/// <summary>
/// The tower's exact layer list: parameter keys alone cannot see a dropout (it has no weights), so a dropout after the
/// last layer, or one with Dropout 0, would change training without changing a single key.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class SiameseNetworkLayerTests
{
    [Fact]
    public void NamedChildren_DefaultOptions_TowerAndHeadOnly()
    {
        using var network = new SiameseNetwork(new ModelOptions());

        Assert.Equal(["tower", "head"], network.named_children().Select(c => c.name));
    }

    [Fact]
    public void TowerChildren_DefaultOptions_DropoutAfterEveryLayerButTheLast()
    {
        using var network = new SiameseNetwork(new ModelOptions());

        Assert.Equal(
            [
                "flatten: Flatten",
                "fc1: Linear", "relu1: ReLU", "dropout1: Dropout",
                "fc2: Linear", "relu2: ReLU", "dropout2: Dropout",
                "fc3: Linear", "relu3: ReLU",
            ],
            TowerLayers(network));
    }

    [Fact]
    public void TowerChildren_HiddenSizesSevenFive_OneDropoutBetweenTheTwoLayers()
    {
        using var network = new SiameseNetwork(new ModelOptions { InputSize = 10, HiddenSizes = [7, 5] });

        Assert.Equal(["flatten: Flatten", "fc1: Linear", "relu1: ReLU", "dropout1: Dropout", "fc2: Linear", "relu2: ReLU"], TowerLayers(network));
    }

    [Fact]
    public void TowerChildren_DropoutZero_NoDropoutLayers()
    {
        using var network = new SiameseNetwork(new ModelOptions { Dropout = 0 });

        Assert.Equal(
            ["flatten: Flatten", "fc1: Linear", "relu1: ReLU", "fc2: Linear", "relu2: ReLU", "fc3: Linear", "relu3: ReLU"],
            TowerLayers(network));
    }

    private static IEnumerable<string> TowerLayers(SiameseNetwork network)
    {
        nn.Module tower = network.named_children().Single(c => c.name == "tower").module;
        return tower.named_children().Select(c => $"{c.name}: {c.module.GetType().Name}").ToList();
    }
}
