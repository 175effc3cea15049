using static TorchSharp.torch;

namespace Siamese.Model.Tests;

/// <summary>The conv tower, the contrastive similarity and Adam: shapes, keys, the maths, and exact resume.</summary>
[Collection(TorchCollection.Name)]
public sealed class NetworkVariantsTests
{
    private static readonly ModelOptions Conv = new() { Tower = TowerKind.Conv };

    private static readonly ModelOptions Contrastive = new() { Similarity = SimilarityKind.Contrastive, Margin = 2 };

    [Fact]
    public void NamedParameters_ConvTower_AreTheDocumentedKeysAndShapes()
    {
        using var network = new SiameseNetwork(Conv);

        var shapes = network.named_parameters().Select(p => $"{p.name} [{string.Join(", ", p.parameter.shape)}]");

        Assert.Equal(
            [
                "tower.conv1.weight [32, 1, 3, 3]", "tower.conv1.bias [32]",
                "tower.conv2.weight [64, 32, 3, 3]", "tower.conv2.bias [64]",
                "tower.fc1.weight [128, 1600]", "tower.fc1.bias [128]",
                "tower.fc2.weight [128, 128]", "tower.fc2.bias [128]",
                "tower.fc3.weight [128, 128]", "tower.fc3.bias [128]",
                "head.weight [1, 128]", "head.bias [1]",
            ],
            shapes);
        Assert.Equal(network.parameters().Sum(p => p.numel()), Conv.ParameterCount());
    }

    [Fact]
    public void TowerLayers_ConvTower_ConvolutionsThenTheDenseLayers()
    {
        using var network = new SiameseNetwork(new ModelOptions { Tower = TowerKind.Conv, ConvChannels = [8], HiddenSizes = [16, 8] });

        var tower = network.named_children().Single(c => c.name == "tower").module;

        Assert.Equal(["unflatten", "conv1", "convrelu1", "pool1", "flatten", "fc1", "relu1", "dropout1", "fc2", "relu2"], tower.named_children().Select(c => c.name));
    }

    [Theory]
    [InlineData(new long[] { 3, 784 })]
    [InlineData(new long[] { 3, 28, 28 })]
    [InlineData(new long[] { 3, 1, 28, 28 })]
    public void Forward_ConvTowerAnyImageLayout_OneScorePerPairAndSymmetricToRounding(long[] shape)
    {
        manual_seed(5);
        using var network = new SiameseNetwork(Conv);
        network.eval();
        using var a = rand(shape);
        using var b = rand(shape);
        using var noGrad = no_grad();

        using var ab = network.forward(a, b);
        using var ba = network.forward(b, a);

        Assert.Equal([3L], ab.shape);
        // Equal up to float rounding: a batched convolution's blocking may add in another order for another row.
        Assert.True(ab.allclose(ba, rtol: 1e-5, atol: 1e-7), $"{string.Join(", ", ab.data<float>().ToArray())} vs {string.Join(", ", ba.data<float>().ToArray())}");
    }

    [Fact]
    public void Similarity_Contrastive_IsTwoToTheMinusSquaredDoubleDistanceOverMargin()
    {
        using var network = new SiameseNetwork(Contrastive);
        using var distances = tensor(new[] { 0f, 1f, 2f, 0.5f });

        using var similarity = network.Similarity(distances);

        float[] expected = [1f, 0.5f, 1f / 16, MathF.Pow(2, -0.25f)];
        Assert.Equal(expected, similarity.data<float>().ToArray(), (x, y) => Math.Abs(x - y) < 1e-6);
        Assert.True(network.IsSame(0.999f));
        Assert.False(network.IsSame(1f));
        Assert.DoesNotContain(network.named_parameters(), p => p.name.StartsWith("head", StringComparison.Ordinal));
    }

    [Fact]
    public void Forward_ContrastiveIdenticalImages_GivesTheSmallestDistance()
    {
        manual_seed(6);
        using var network = new SiameseNetwork(Contrastive);
        network.eval();
        using var a = rand(4, 784);
        using var noGrad = no_grad();

        using var distance = network.forward(a, a);

        Assert.All(distance.data<float>().ToArray(), d => Assert.Equal(MathF.Sqrt(1e-7f), d, 1e-6f));
    }

    [Fact]
    public void TrainStep_Contrastive_LossIsTheKerasFormulaOnTheDistances()
    {
        var pairs = SyntheticPairs.Create(16, 784, seed: 3);
        using var trainer = new SiameseTrainer(Contrastive, new TrainerSettings { Seed = 4 }, maxBatch: 16);
        var similarities = new float[16];
        trainer.Model.Similarities(pairs.Left, pairs.Right, similarities);
        var evaluated = trainer.Evaluate(pairs.Left, pairs.Right, pairs.Labels);

        double expected = 0;
        int correct = 0;
        for (int i = 0; i < 16; i++)
        {
            // Back from similarity s = 2^(−(2d/m)²) to d, with m = 2.
            double d = Math.Sqrt(-Math.Log2(similarities[i]));
            expected += pairs.Labels[i] > 0.5 ? d * d : Math.Pow(Math.Max(2 - d, 0), 2);
            correct += (similarities[i] > 0.5f) == (pairs.Labels[i] > 0.5f) ? 1 : 0;
        }

        Assert.Equal(expected / 16, evaluated.Loss, 4);
        Assert.Equal(correct, evaluated.Correct);
    }

    [Fact]
    public void Step_Adam_MatchesKerasFormulaOnTheVectorPathAndClearsTheGradient()
    {
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-7;
        const int n = 37;
        var random = new Random(7);
        double[] p = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
        using var parameters = tensor(p.Select(v => (float)v).ToArray());
        using var gradients = zeros(n);
        using var optimizer = new KerasAdam(parameters, gradients, lr, b1, b2, eps);
        double[] m = new double[n], v = new double[n];

        for (int t = 1; t <= 3; t++)
        {
            double[] g = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
            using (var values = tensor(g.Select(x => (float)x).ToArray()))
            {
                gradients.copy_(values);
            }

            optimizer.Step();
            double rate = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
            for (int i = 0; i < n; i++)
            {
                m[i] = (b1 * m[i]) + ((1 - b1) * g[i]);
                v[i] = (b2 * v[i]) + ((1 - b2) * g[i] * g[i]);
                p[i] -= rate * m[i] / (Math.Sqrt(v[i]) + eps);
            }
        }

        float[] actual = parameters.data<float>().ToArray();
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(p[i], actual[i], 5);
        }

        Assert.All(gradients.data<float>().ToArray(), g => Assert.Equal(0f, g));
    }

    [Theory]
    [InlineData(TowerKind.Conv, SimilarityKind.Sigmoid, OptimizerKind.Adam)]
    [InlineData(TowerKind.Mlp, SimilarityKind.Contrastive, OptimizerKind.RMSprop)]
    [InlineData(TowerKind.Conv, SimilarityKind.Contrastive, OptimizerKind.RMSprop)]
    public void LoadState_AfterSaveState_ResumedTrainingMatchesUninterruptedRun(TowerKind tower, SimilarityKind similarity, OptimizerKind optimizer)
    {
        var options = new ModelOptions { Tower = tower, ConvChannels = [4, 8], HiddenSizes = [16, 16], Similarity = similarity };
        var settings = new TrainerSettings { Seed = 21, Optimizer = optimizer };
        var pairs = SyntheticPairs.Create(80, 784, seed: 22);
        var probe = SyntheticPairs.Create(8, 784, seed: 23);
        using var state = new MemoryStream();
        List<StepResult> uninterrupted, resumed;
        var expected = new float[8];
        var actual = new float[8];

        using (var trainer = new SiameseTrainer(options, settings, maxBatch: 16))
        {
            Train(trainer, pairs, 0, 3);
            using (var writer = new BinaryWriter(state, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                trainer.SaveState(writer);
            }

            uninterrupted = Train(trainer, pairs, 3, 3);
            trainer.Model.Similarities(probe.Left, probe.Right, expected);
        }

        manual_seed(999);
        using (var trainer = new SiameseTrainer(options, settings with { Seed = 5 }, maxBatch: 16))
        {
            state.Position = 0;
            using (var reader = new BinaryReader(state, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                trainer.LoadState(reader);
            }

            resumed = Train(trainer, pairs, 3, 3);
            trainer.Model.Similarities(probe.Left, probe.Right, actual);
        }

        Assert.Equal(uninterrupted, resumed);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void LoadState_OtherOptimizer_ThrowsInvalidData()
    {
        using var state = new MemoryStream();
        using (var trainer = new SiameseTrainer(new ModelOptions(), new TrainerSettings { Optimizer = OptimizerKind.Adam }, maxBatch: 4))
        using (var writer = new BinaryWriter(state, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            trainer.SaveState(writer);
        }

        state.Position = 0;
        using var other = new SiameseTrainer(new ModelOptions(), new TrainerSettings(), maxBatch: 4);
        using var reader = new BinaryReader(state);

        Assert.Throws<InvalidDataException>(() => other.LoadState(reader));
    }

    [Theory]
    [InlineData(100, "must be a square image's pixel count")]
    [InlineData(36, "has more convolutions than a 6×6 image allows")]
    public void Validate_ConvTowerImpossibleImage_NamesTheSetting(int inputSize, string message)
    {
        var options = new ModelOptions { Tower = TowerKind.Conv, InputSize = inputSize == 100 ? 99 : inputSize };

        var e = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(options.ThrowIfInvalid);

        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Validate_HugeNetwork_RefusedBeforeAnythingIsAllocated()
    {
        var options = new ModelOptions { InputSize = 65_536, HiddenSizes = [8192] };

        var e = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(options.ThrowIfInvalid);

        Assert.Contains("parameters, more than the 20,000,000 allowed", e.Message);
    }

    private static List<StepResult> Train(SiameseTrainer trainer, SyntheticPairs pairs, int firstStep, int steps)
    {
        var results = new List<StepResult>();
        for (int step = firstStep; step < firstStep + steps; step++)
        {
            int start = step * 16 % pairs.Count;
            results.Add(trainer.TrainStep(pairs.LeftOf(start, 16, 784), pairs.RightOf(start, 16, 784), pairs.LabelsOf(start, 16)));
        }

        return results;
    }
}
