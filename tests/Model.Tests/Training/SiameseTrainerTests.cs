using System.Collections;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Siamese.Model.Tests;

[Collection(TorchCollection.Name)]
public sealed class SiameseTrainerTests : IDisposable
{
    private const int InputSize = 784;
    private readonly string directory = Directory.CreateTempSubdirectory("trainer-tests-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void TrainStep_SeededSyntheticPairs_LossFallsAndAccuracyRisesWellAboveChance()
    {
        var train = SyntheticPairs.Create(400, InputSize, seed: 1, noise: 0.1f);
        var validation = SyntheticPairs.Create(200, InputSize, seed: 2, noise: 0.1f);
        using var trainer = NewTrainer(seed: 7);
        StepResult before = trainer.Evaluate(validation.Left, validation.Right, validation.Labels);

        for (int step = 0; step < 200; step++)
        {
            int start = step * 20 % train.Count;
            trainer.TrainStep(train.LeftOf(start, 20, InputSize), train.RightOf(start, 20, InputSize), train.LabelsOf(start, 20));
        }

        StepResult after = trainer.Evaluate(validation.Left, validation.Right, validation.Labels);
        Assert.True(after.Loss < before.Loss * 0.6, $"loss {before.Loss} -> {after.Loss}");
        Assert.True(after.Accuracy > 0.9, $"accuracy {before.Accuracy} -> {after.Accuracy}");
        Assert.Equal(200, trainer.StepCount);
    }

    [Fact]
    public void TrainStep_OneStep_MatchesAnIndependentAutogradAndKerasRmsPropUpdate()
    {
        const double lr = 1e-3, rho = 0.9, eps = 1e-7;
        var pairs = SyntheticPairs.Create(20, InputSize, seed: 3);
        manual_seed(11);
        using var reference = new SiameseNetwork(new ModelOptions());
        reference.train();
        using var trainer = NewTrainer(seed: 11);
        using var dropoutState = get_rng_state();

        trainer.TrainStep(pairs.Left, pairs.Right, pairs.Labels);

        set_rng_state(dropoutState);
        using var left = tensor(pairs.Left).view(20, InputSize);
        using var right = tensor(pairs.Right).view(20, InputSize);
        using var labels = tensor(pairs.Labels);
        using var logits = reference.forward(left, right);
        using var loss = nn.functional.binary_cross_entropy_with_logits(logits, labels);
        loss.backward();
        var trained = trainer.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var noGrad = no_grad();
        foreach ((string name, var parameter) in reference.named_parameters())
        {
            using var g = parameter.grad!;
            using var expected = parameter - (lr * g / (((1 - rho) * g * g) + eps).sqrt());
            Assert.True(expected.allclose(trained[name], rtol: 0, atol: 1e-6), name);
            Assert.False(parameter.allclose(trained[name], rtol: 0, atol: 0), $"{name} did not change");
        }
    }

    [Fact]
    public void Constructor_SameSeed_SameInitialWeights()
    {
        var pairs = SyntheticPairs.Create(10, InputSize, seed: 4);
        var first = new float[10];
        var second = new float[10];

        using (var trainer = NewTrainer(seed: 5))
        {
            trainer.Model.Similarities(pairs.Left, pairs.Right, first);
        }

        using (var trainer = NewTrainer(seed: 5))
        {
            trainer.Model.Similarities(pairs.Left, pairs.Right, second);
        }

        Assert.Equal(first, second);
    }

    [Fact]
    public void Similarities_SwappedInputs_AreEqualAndBetweenZeroAndOne()
    {
        var pairs = SyntheticPairs.Create(30, InputSize, seed: 5);
        using var trainer = NewTrainer(seed: 6, maxBatch: 8);
        var ab = new float[30];
        var ba = new float[30];

        trainer.Model.Similarities(pairs.Left, pairs.Right, ab);
        trainer.Model.Similarities(pairs.Right, pairs.Left, ba);

        Assert.Equal(ab, ba);
        Assert.All(ab, s => Assert.InRange(s, 0f, 1f));
    }

    [Fact]
    public void Evaluate_MoreThanMaxBatch_MatchesSimilaritiesAndIsRepeatable()
    {
        var pairs = SyntheticPairs.Create(50, InputSize, seed: 6);
        using var trainer = NewTrainer(seed: 7, maxBatch: 16);
        var similarities = new float[50];

        StepResult first = trainer.Evaluate(pairs.Left, pairs.Right, pairs.Labels);
        StepResult second = trainer.Evaluate(pairs.Left, pairs.Right, pairs.Labels);
        trainer.Model.Similarities(pairs.Left, pairs.Right, similarities);

        Assert.Equal(first, second);
        Assert.Equal(50, first.Count);
        Assert.Equal(Metrics.Accuracy(similarities, pairs.Labels), first.Accuracy, 12);
        Assert.True(trainer.Network.training);
    }

    [Fact]
    public void TrainStep_BatchAboveMaxBatch_Throws()
    {
        var pairs = SyntheticPairs.Create(9, InputSize, seed: 1);
        using var trainer = NewTrainer(seed: 1, maxBatch: 8);

        Assert.Throws<ArgumentException>(() => trainer.TrainStep(pairs.Left, pairs.Right, pairs.Labels));
    }

    [Fact]
    public void TrainStep_ImageLengthMismatch_Throws()
    {
        var pairs = SyntheticPairs.Create(4, InputSize, seed: 1);
        using var trainer = NewTrainer(seed: 1);

        Assert.Throws<ArgumentException>(() => trainer.TrainStep(pairs.Left, pairs.Right.AsSpan(1), pairs.Labels));
    }

    [Fact]
    public void TrainStepEvaluateSimilarities_ManyCalls_LeaveNoLiveTensors()
    {
        var pairs = SyntheticPairs.Create(20, InputSize, seed: 8);
        using var trainer = NewTrainer(seed: 8);
        var output = new float[20];
        trainer.TrainStep(pairs.Left, pairs.Right, pairs.Labels);
        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        for (int i = 0; i < 20; i++)
        {
            trainer.TrainStep(pairs.Left, pairs.Right, pairs.Labels);
            trainer.Evaluate(pairs.Left, pairs.Right, pairs.Labels);
            trainer.Model.Similarities(pairs.Left, pairs.Right, output);
        }

        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void LoadState_AfterSaveState_ResumedTrainingMatchesUninterruptedRun()
    {
        var pairs = SyntheticPairs.Create(200, InputSize, seed: 9);
        var probe = SyntheticPairs.Create(16, InputSize, seed: 10);
        using var state = new MemoryStream();
        var uninterrupted = new List<StepResult>();
        var resumed = new List<StepResult>();
        var uninterruptedSimilarities = new float[16];
        var resumedSimilarities = new float[16];

        using (var trainer = NewTrainer(seed: 12))
        {
            Train(trainer, pairs, 0, 5);
            using (var writer = new BinaryWriter(state, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                trainer.SaveState(writer);
            }

            uninterrupted.AddRange(Train(trainer, pairs, 5, 5));
            trainer.Model.Similarities(probe.Left, probe.Right, uninterruptedSimilarities);
        }

        // Disturb libtorch's global generator, as a fresh process would.
        manual_seed(999);
        using (var trainer = NewTrainer(seed: 13))
        {
            state.Position = 0;
            using (var reader = new BinaryReader(state, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                trainer.LoadState(reader);
            }

            Assert.Equal(5, trainer.StepCount);
            resumed.AddRange(Train(trainer, pairs, 5, 5));
            trainer.Model.Similarities(probe.Left, probe.Right, resumedSimilarities);
            Assert.Equal(10, trainer.StepCount);
        }

        Assert.Equal(uninterrupted, resumed);
        Assert.Equal(uninterruptedSimilarities, resumedSimilarities);
    }

    [Fact]
    public void LoadState_DifferentModelShape_ThrowsInvalidData()
    {
        using var state = new MemoryStream();
        using (var trainer = NewTrainer(seed: 1))
        using (var writer = new BinaryWriter(state, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            trainer.SaveState(writer);
        }

        state.Position = 0;
        using var other = new SiameseTrainer(new ModelOptions { HiddenSizes = [64] }, new TrainerSettings { Seed = 1 });
        using var reader = new BinaryReader(state);

        Assert.Throws<InvalidDataException>(() => other.LoadState(reader));
    }

    [Fact]
    public void LoadWeights_AfterSaveWeights_GivesIdenticalSimilarities()
    {
        var pairs = SyntheticPairs.Create(40, InputSize, seed: 14);
        string path = Path.Combine(directory, "weights.bin");
        var expected = new float[40];
        var actual = new float[40];

        using (var trainer = NewTrainer(seed: 15))
        {
            Train(trainer, pairs, 0, 3);
            trainer.SaveWeights(path);
            trainer.Model.Similarities(pairs.Left, pairs.Right, expected);
        }

        using (var trainer = NewTrainer(seed: 16))
        {
            trainer.LoadWeights(path);
            trainer.Model.Similarities(pairs.Left, pairs.Right, actual);
        }

        Assert.Equal(expected, actual);
        Assert.Equal([path], Directory.GetFiles(directory));
    }

    [Fact]
    public void ParameterShapes_DefaultOptions_AreTheDocumentedKeys()
    {
        using var trainer = NewTrainer(seed: 1);

        Assert.Equal(
            ["tower.fc1.weight", "tower.fc1.bias", "tower.fc2.weight", "tower.fc2.bias", "tower.fc3.weight", "tower.fc3.bias", "head.weight", "head.bias"],
            trainer.ParameterShapes.Select(p => p.Name));
        Assert.Equal([128, 784], trainer.ParameterShapes[0].Shape);
        Assert.Equal([1], trainer.ParameterShapes[^1].Shape);
    }

    [Fact]
    public void ExportPyTorch_TrainedModel_HasTheDocumentedNamesShapesAndValues()
    {
        var pairs = SyntheticPairs.Create(20, InputSize, seed: 17);
        string path = Path.Combine(directory, "model.pt");
        using var trainer = NewTrainer(seed: 18);
        Train(trainer, pairs, 0, 1);

        trainer.ExportPyTorch(path);

        Hashtable stateDict = PyTorchUnpickler.UnpickleStateDict(path);
        AssertStateDict(trainer, stateDict.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (Tensor)e.Value!));
    }

    [Fact]
    public void ExportSafetensors_TrainedModel_HasTheDocumentedNamesShapesAndValues()
    {
        var pairs = SyntheticPairs.Create(20, InputSize, seed: 19);
        string path = Path.Combine(directory, "model.safetensors");
        using var trainer = NewTrainer(seed: 20);
        Train(trainer, pairs, 0, 1);

        trainer.ExportSafetensors(path);

        AssertStateDict(trainer, Safetensors.LoadStateDict(path));
    }

    [Fact]
    public void ExportPyTorch_LoadedBackWithPyBridge_GivesIdenticalSimilarities()
    {
        var pairs = SyntheticPairs.Create(20, InputSize, seed: 21);
        string path = Path.Combine(directory, "model.pt");
        var expected = new float[20];
        var actual = new float[20];
        using var trainer = NewTrainer(seed: 22);
        Train(trainer, pairs, 0, 2);
        trainer.ExportPyTorch(path);
        trainer.Model.Similarities(pairs.Left, pairs.Right, expected);
        using var network = new SiameseNetwork(new ModelOptions());
        network.load_py(path);
        network.eval();

        using (no_grad())
        using (var left = tensor(pairs.Left).view(20, InputSize))
        using (var right = tensor(pairs.Right).view(20, InputSize))
        using (var similarity = network.forward(left, right).sigmoid())
        {
            similarity.data<float>().CopyTo(actual, 0, 0);
        }

        Assert.Equal(expected, actual);
    }

    private static void AssertStateDict(SiameseTrainer trainer, Dictionary<string, Tensor> stateDict)
    {
        Assert.Equal(trainer.ParameterShapes.Select(p => p.Name).Order(), stateDict.Keys.Order());
        var parameters = trainer.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach ((string name, long[] shape) in trainer.ParameterShapes)
        {
            Assert.Equal(shape, stateDict[name].shape);
            Assert.Equal(ScalarType.Float32, stateDict[name].dtype);
            Assert.True(stateDict[name].allclose(parameters[name], rtol: 0, atol: 0), name);
        }
    }

    private static SiameseTrainer NewTrainer(long seed, int maxBatch = 20) =>
        new(new ModelOptions(), new TrainerSettings { Seed = seed, TorchThreads = 1 }, maxBatch);

    private static List<StepResult> Train(SiameseTrainer trainer, SyntheticPairs pairs, int firstStep, int steps)
    {
        var results = new List<StepResult>();
        for (int step = firstStep; step < firstStep + steps; step++)
        {
            int start = step * 20 % pairs.Count;
            results.Add(trainer.TrainStep(pairs.LeftOf(start, 20, InputSize), pairs.RightOf(start, 20, InputSize), pairs.LabelsOf(start, 20)));
        }

        return results;
    }
}
