using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using Xunit.Abstractions;

namespace Siamese.Model.Tests;

/// <summary>The exported graphs, run by ONNX Runtime, against TorchSharp on the same weights.</summary>
[Collection(TorchCollection.Name)]
public sealed class OnnxExportTests(ITestOutputHelper output) : IDisposable
{
    private const int InputSize = TrainedRun.InputSize;
    private const int Pairs = 1000;
    private readonly string directory = Directory.CreateTempSubdirectory("onnx-tests-").FullName;

    public static TheoryData<TowerKind, SimilarityKind, DistanceKind> Variants => SiameseModelTests.Variants;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [MemberData(nameof(Variants))]
    public void WriteModel_EachVariant_OnnxRuntimeSimilaritiesMatchTorchSharp(TowerKind tower, SimilarityKind similarity, DistanceKind distance)
    {
        using var run = TrainedRun.Create(TrainedRun.Small(tower, similarity, distance));
        var pairs = SyntheticPairs.Create(Pairs, InputSize, seed: 61);
        var expected = new float[Pairs];
        run.Trainer.Model.Similarities(pairs.Left, pairs.Right, expected);
        string path = Path.Combine(directory, OnnxExport.ModelName);

        OnnxExport.WriteModel(run.Trainer, path, threshold: 0.5);
        float[] actual = RunOnnx(path, [(OnnxExport.LeftInput, pairs.Left), (OnnxExport.RightInput, pairs.Right)], OnnxExport.SimilarityOutput, out long[] shape);

        float difference = MaxAbsDifference(expected, actual);
        output.WriteLine($"{tower}/{similarity}/{distance}: max |ONNX - TorchSharp| similarity = {difference:G3} over {Pairs} pairs");
        Assert.Equal([Pairs], shape);
        Assert.True(difference <= 1e-5f, $"max difference {difference}");
        Assert.InRange(actual.Min(), 0f, 1f);
        Assert.InRange(actual.Max(), 0f, 1f);
        Assert.True(expected.Count(s => s is > 0.02f and < 0.98f) > Pairs / 10, "most similarities are saturated: the comparison would prove little");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void WriteEmbedding_EachVariant_OnnxRuntimeEmbeddingsMatchSiameseModel(TowerKind tower, SimilarityKind similarity, DistanceKind distance)
    {
        using var run = TrainedRun.Create(TrainedRun.Small(tower, similarity, distance));
        var images = SyntheticPairs.Create(Pairs, InputSize, seed: 62).Left;
        using var model = SiameseModel.Load(run.Folder);
        float[] expected = model.Embed(images).Cast<float>().ToArray();
        string path = Path.Combine(directory, OnnxExport.EmbeddingName);

        OnnxExport.WriteEmbedding(model, path);
        float[] actual = RunOnnx(path, [(OnnxExport.ImageInput, images)], OnnxExport.EmbeddingOutput, out long[] shape);

        float difference = MaxAbsDifference(expected, actual);
        output.WriteLine($"{tower}/{similarity}/{distance}: max |ONNX - TorchSharp| embedding = {difference:G3} over {Pairs} images x {model.EmbeddingSize}");
        Assert.Equal([Pairs, model.EmbeddingSize], shape);
        Assert.True(difference <= 1e-5f, $"max difference {difference}");
        Assert.Contains(expected, value => value > 0);
    }

    [Theory]
    [InlineData(TowerKind.Conv, SimilarityKind.Contrastive, DistanceKind.L1, "contrastive")]
    [InlineData(TowerKind.Mlp, SimilarityKind.Sigmoid, DistanceKind.L2, "L2")]
    public void WriteModel_BothGraphs_NamesShapesAndMetadataAreTheDocumentedContract(TowerKind tower, SimilarityKind similarity, DistanceKind distance, string distanceMetadata)
    {
        var options = TrainedRun.Small(tower, similarity, distance);
        using var run = TrainedRun.Create(options, steps: 1);
        using var model = SiameseModel.Load(run.Folder);
        string modelPath = Path.Combine(directory, OnnxExport.ModelName);
        string embeddingPath = Path.Combine(directory, OnnxExport.EmbeddingName);

        OnnxExport.WriteModel(model, modelPath, threshold: 0.4375);
        OnnxExport.WriteEmbedding(model, embeddingPath);

        using var similaritySession = new InferenceSession(modelPath);
        using var embeddingSession = new InferenceSession(embeddingPath);
        Assert.Equal(["left", "right"], similaritySession.InputMetadata.Keys);
        Assert.All(similaritySession.InputMetadata.Values, input => AssertShape(input, "N", 1, 28, 28));
        AssertShape(Assert.Single(similaritySession.OutputMetadata, o => o.Key == "similarity").Value, "N");
        AssertShape(Assert.Single(embeddingSession.InputMetadata, i => i.Key == "image").Value, "N", 1, 28, 28);
        AssertShape(Assert.Single(embeddingSession.OutputMetadata, o => o.Key == "embedding").Value, "N", 16);

        var metadata = similaritySession.ModelMetadata.CustomMetadataMap;
        Assert.Equal("0.4375", metadata["threshold"]);
        Assert.Equal((1.0 / 255).ToString("R", System.Globalization.CultureInfo.InvariantCulture), metadata["rescale"]);
        Assert.Equal(1.0 / 255, double.Parse(metadata["rescale"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(distanceMetadata, metadata["distance"]);
        Assert.Equal(tower.ToString(), metadata["tower"]);
        Assert.Equal(similarity.ToString(), metadata["similarity"]);
        Assert.Equal(options.Describe(), metadata["model"]);
        Assert.Equal("16", metadata["embedding_size"]);
        Assert.Equal(options.IsContrastive ? "1.5" : null, metadata.GetValueOrDefault("margin"));
        Assert.Equal("Siamese", similaritySession.ModelMetadata.ProducerName);
        Assert.False(embeddingSession.ModelMetadata.CustomMetadataMap.ContainsKey("threshold"));
        Assert.Equal(distanceMetadata, embeddingSession.ModelMetadata.CustomMetadataMap["distance"]);

        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        Assert.Equal(8, proto.IrVersion);
        Assert.Equal(17, Assert.Single(proto.OpsetImport).Version);
        Assert.Contains(proto.Graph.Initializer, i => i.Name == "tower.fc1.weight");
        Assert.DoesNotContain(proto.Graph.Node, n => n.OpType == "Dropout");
        Assert.Empty(Directory.EnumerateFiles(directory, AtomicFile.TemporaryPattern));
    }

    [Fact]
    public void WriteModel_SiameseModelOrItsTrainer_SameBytes()
    {
        using var run = TrainedRun.Create(TrainedRun.Small(TowerKind.Conv, SimilarityKind.Sigmoid), steps: 2);
        using var model = SiameseModel.Load(run.Folder);
        string fromTrainer = Path.Combine(directory, "trainer.onnx");
        string fromModel = Path.Combine(directory, "model.onnx");

        OnnxExport.WriteModel(run.Trainer, fromTrainer, threshold: 0.5);
        OnnxExport.WriteModel(model, fromModel, threshold: 0.5);

        Assert.Equal(File.ReadAllBytes(fromTrainer), File.ReadAllBytes(fromModel));
    }

    [Fact]
    public void WriteModel_SidesOfDifferentBatchSizes_OnnxRuntimeRefusesInsteadOfMixingPairs()
    {
        using var run = TrainedRun.Create(TrainedRun.Small(TowerKind.Mlp, SimilarityKind.Sigmoid), steps: 1);
        string path = Path.Combine(directory, OnnxExport.ModelName);
        OnnxExport.WriteModel(run.Trainer, path, threshold: 0.5);

        Assert.ThrowsAny<OnnxRuntimeException>(() =>
            RunOnnx(path, [(OnnxExport.LeftInput, new float[3 * InputSize]), (OnnxExport.RightInput, new float[2 * InputSize])], OnnxExport.SimilarityOutput, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxExport.WriteModel(run.Trainer, path, threshold: 1.5));
    }

    /// <summary>Runs a graph on images [N, 1, 28, 28] given flat; returns the output and its shape.</summary>
    private static float[] RunOnnx(string path, (string Name, float[] Images)[] inputs, string outputName, out long[] shape)
    {
        // Errors reach the test as exceptions; the runtime's own log of them would only be noise in the test output.
        using var sessionOptions = new SessionOptions { IntraOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
        using var session = new InferenceSession(path, sessionOptions);
        var values = inputs.Select(i => OrtValue.CreateTensorValueFromMemory(i.Images, [i.Images.Length / InputSize, 1, 28, 28])).ToList();
        try
        {
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, inputs.Select(i => i.Name).ToArray(), values, [outputName]);
            shape = results[0].GetTensorTypeAndShape().Shape;
            return results[0].GetTensorDataAsSpan<float>().ToArray();
        }
        finally
        {
            values.ForEach(value => value.Dispose());
        }
    }

    private static void AssertShape(NodeMetadata value, string batch, params int[] rest)
    {
        Assert.Equal(TensorElementType.Float, value.ElementDataType);
        Assert.Equal([-1, .. rest], value.Dimensions);
        Assert.Equal(batch, value.SymbolicDimensions[0]);
    }

    private static float MaxAbsDifference(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        return expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
    }
}
