using System.Text.Json.Nodes;
using Siamese.Host.Tests.Commands;

namespace Siamese.Host.Tests.Runs;

/// <summary>The model files a run leaves: the ONNX graphs beside the weights, with the run's threshold.</summary>
public sealed class RunOutputsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("siamese-outputs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(0.7, "0.7")]
    [InlineData(null, "0.5")]
    public void SaveModel_WithOrWithoutConfiguration_WritesBothOnnxGraphsWithTheRunsThreshold(double? threshold, string expected)
    {
        using var run = RunDirectory.Open(Path.Combine(_root, "run"));
        var configuration = threshold is { } t
            ? new JsonObject { [EvaluationOptions.SectionName] = new JsonObject { [nameof(EvaluationOptions.Threshold)] = t, [nameof(EvaluationOptions.TestPairs)] = 100 } }
            : null;
        using var trainer = new SiameseTrainer(TestFiles.TinyModel, new TrainerSettings { Seed = 3 }, maxBatch: 4);

        new RunOutputs(run, configuration, tensorBoard: false).SaveModel(trainer);

        Assert.Equal(expected, TestFiles.OnnxMetadata(run.File(RunFiles.Onnx))["threshold"]);
        var embedding = TestFiles.OnnxMetadata(run.File(RunFiles.OnnxEmbedding));
        Assert.False(embedding.ContainsKey("threshold"));
        Assert.Equal("16", embedding["embedding_size"]);
        Assert.Equal(TestFiles.TinyModel.Describe(), embedding["model"]);
    }
}
