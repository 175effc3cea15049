using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Tests.Commands;

/// <summary><c>export</c>, <c>embed</c> and <c>search</c>, run as the real program on real MNIST with a tiny model trained here.</summary>
public sealed partial class ModelVerbTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static readonly Lazy<LabeledImages> MnistTest = new(() =>
        MnistLoader.TryLoad(Path.Combine(HostProcess.RepositoryRoot, "data", "mnist"))?.Test ?? throw new InvalidOperationException("MNIST is not in data/mnist"));

    private static void AssertExit(int expected, HostProcess.Result result) =>
        Assert.True(result.ExitCode == expected, $"exit {result.ExitCode}, expected {expected}:\n{result.Output}");

    /// <summary>Exit code 2 and one line naming the problem, without a stack trace.</summary>
    private static void AssertOneLineRefusal(HostProcess.Result result, string mentions)
    {
        AssertExit(ExitCode.BadInput, result);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"expected one line:\n{result.Output}");
        Assert.Contains(mentions, lines[0]);
    }

    private static string Threshold(string onnx) => TestFiles.OnnxMetadata(onnx)["threshold"];

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    [Fact]
    public void ExportAndEvaluate_ThresholdFromConfigurationThenCalibratedThenGiven()
    {
        using var host = new HostProcess();
        var model = Path.Combine(host.Home, "runs", "tiny");
        TestFiles.WriteTinyModel(model);
        var onnx = Path.Combine(model, OnnxExport.ModelName);

        var first = host.Run(Timeout, "export", "--model", "runs/tiny", "--Evaluation:Threshold=0.625");
        AssertExit(0, first);
        Assert.Contains("Threshold 0.625 from Evaluation:Threshold", first.Output);
        Assert.Equal("0.625", Threshold(onnx));
        Assert.Equal("16", TestFiles.OnnxMetadata(Path.Combine(model, OnnxExport.EmbeddingName))["embedding_size"]);

        var evaluate = host.Run(Timeout, "evaluate", "--model", "runs/tiny", "--trials", "200", "--Evaluation:TestPairs=500");
        AssertExit(0, evaluate);
        using (var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, EvaluateCommand.ReportName))))
        {
            var calibrated = report.RootElement.GetProperty("Calibrated").GetProperty("Threshold").GetDouble();
            var retrieval = report.RootElement.GetProperty("Retrieval");
            Assert.Equal(Number(calibrated), Threshold(onnx));
            Assert.Contains($"Refreshed {onnx}", evaluate.Output);
            Assert.Equal(10_000, retrieval.GetProperty("Queries").GetInt32());
            Assert.InRange(retrieval.GetProperty("PrecisionAt1").GetDouble(), 0, 1);
            Assert.InRange(retrieval.GetProperty("MapAtR").GetDouble(), 0, 1);
            Assert.Matches(@"Retrieval on 10000 test images.*precision@1 0\.\d{4}, MAP@R 0\.\d{4}", evaluate.Output);

            var again = host.Run(Timeout, "export", "--model", Path.Combine(model, ModelFile.WeightsName), "--output", "elsewhere");
            AssertExit(0, again);
            Assert.Contains("from the calibrated threshold in", again.Output);
            Assert.Equal(Number(calibrated), Threshold(Path.Combine(host.Home, "elsewhere", OnnxExport.ModelName)));
        }

        var given = host.Run(Timeout, "export", "--model", "runs/tiny", "--threshold", "0.25", "--output", "given");
        AssertExit(0, given);
        Assert.Equal("0.25", Threshold(Path.Combine(host.Home, "given", OnnxExport.ModelName)));
        Assert.True(File.Exists(Path.Combine(host.Home, "given", OnnxExport.EmbeddingName)));
    }

    [Fact]
    public void Embed_TestSplit_WritesNumpyArraysInFileOrderAndTheirPicture()
    {
        using var host = new HostProcess();
        var model = Path.Combine(host.Home, "runs", "tiny");
        TestFiles.WriteTinyModel(model);

        var result = host.Run(Timeout, "embed", "--model", "runs/tiny");

        AssertExit(0, result);
        var output = Path.Combine(host.Home, "runs", "embeddings");
        var embeddings = NpyReader.ReadFloat32(Path.Combine(output, EmbedCommand.EmbeddingsName));
        var labels = NpyReader.Read(Path.Combine(output, EmbedCommand.LabelsName));
        Assert.Equal([10_000, 16], embeddings.Shape);
        Assert.Equal([10_000], labels.Shape);
        Assert.Equal(MnistTest.Value.Labels, labels.Data);
        using var scoring = SiameseModel.Load(model);
        foreach (int i in new[] { 0, 4321, 9999 })
        {
            var expected = scoring.Embed(MnistTest.Value.Image(i)).Cast<float>().ToArray();
            Assert.Equal(expected, embeddings.Data.AsSpan(i * 16, 16).ToArray(), (a, b) => Math.Abs(a - b) <= 1e-5f);
        }

        Assert.Equal((EmbeddingPlot.Width, EmbeddingPlot.Height), TestFiles.PngSize(Path.Combine(output, EmbedCommand.PictureName)));
    }

    [Fact]
    public void Embed_DigitsAndAPicture_LabelsThePicture255()
    {
        using var host = new HostProcess();
        TestFiles.WriteTinyModel(Path.Combine(host.Home, "runs", "tiny"));
        var picture = Path.Combine(host.Home, "one.png");
        TestFiles.WriteDigitPicture(picture, darkOnLight: false);

        var result = host.Run(Timeout, "embed", "test:3", picture, "validation:0", "--model", "runs/tiny", "--output", "out");

        AssertExit(0, result);
        Assert.Contains("labels.npy holds 255", result.Output);
        var labels = NpyReader.Read(Path.Combine(host.Home, "out", EmbedCommand.LabelsName));
        Assert.Equal([MnistTest.Value.Labels[3], 255], labels.Data[..2]);
        Assert.Equal([3, 16], NpyReader.ReadFloat32(Path.Combine(host.Home, "out", EmbedCommand.EmbeddingsName)).Shape);
    }

    /// <summary>
    /// With the contrastive similarity (the Euclidean distance) an image is its own nearest neighbour, so the query
    /// would come first if it were not left out.
    /// </summary>
    [Fact]
    public void Search_TestImage_PrintsKOtherTestImagesAndDrawsThemInARow()
    {
        using var host = new HostProcess();
        TestFiles.WriteTinyModel(Path.Combine(host.Home, "runs", "tiny"), options: new ModelOptions { HiddenSizes = [16, 16], Similarity = SimilarityKind.Contrastive });

        var result = host.Run(Timeout, "search", "test:0", "--model", "runs/tiny", "--k", "5");

        AssertExit(0, result);
        var lines = ResultLine().Matches(result.Output);
        Assert.Equal(5, lines.Count);
        var similarities = new List<double>();
        foreach (Match line in lines)
        {
            int index = int.Parse(line.Groups["index"].Value, CultureInfo.InvariantCulture);
            Assert.NotEqual(0, index);
            Assert.Equal(MnistTest.Value.Labels[index].ToString(CultureInfo.InvariantCulture), line.Groups["label"].Value);
            similarities.Add(double.Parse(line.Groups["similarity"].Value, CultureInfo.InvariantCulture));
        }

        Assert.Equal(Enumerable.Range(1, 5).Select(r => r.ToString(CultureInfo.InvariantCulture)), lines.Select(l => l.Groups["rank"].Value));
        Assert.All(similarities, s => Assert.InRange(s, 0, 1));
        Assert.Equal(DigitPictures.RowSize(6), TestFiles.PngSize(Path.Combine(host.Home, "runs", "pictures", "search-test-0.png")));
    }

    [Fact]
    public void BadInputs_ExitTwoWithOneLine()
    {
        using var host = new HostProcess();
        TestFiles.WriteTinyModel(Path.Combine(host.Home, "runs", "tiny"));

        AssertOneLineRefusal(host.Run(Timeout, "export", "--model", "runs/missing"), "--model");
        AssertOneLineRefusal(host.Run(Timeout, "export", "--model", "runs/tiny", "--threshold", "1.5"), "--threshold");
        AssertOneLineRefusal(host.Run(Timeout, "embed", "--model", "runs/missing"), "--model");
        AssertOneLineRefusal(host.Run(Timeout, "embed", "--model", "runs/tiny", "--split", "bogus"), "bogus");
        AssertOneLineRefusal(host.Run(Timeout, "embed", "test:0", "--model", "runs/tiny", "--split", "train"), "not both");
        AssertOneLineRefusal(host.Run(Timeout, "search", "test:0", "--model", "runs/missing"), "--model");
        AssertOneLineRefusal(host.Run(Timeout, "search", "test:0", "--model", "runs/tiny", "--k", "0"), "--k");
        AssertOneLineRefusal(host.Run(Timeout, "search", "test:0", "--model", "runs/tiny", "--gallery", "bogus"), "bogus");

        var outOfRange = host.Run(Timeout, "search", "test:10000", "--model", "runs/tiny");
        AssertExit(ExitCode.BadInput, outOfRange);
        Assert.Contains("the test set has 10000 images", outOfRange.Output);
        Assert.DoesNotContain("   at ", outOfRange.Output);
    }

    [GeneratedRegex(@"^\[[\d:]+ INF\]\s+(?<rank>\d+)\. test:(?<index>\d+) label (?<label>\d) similarity (?<similarity>[01]\.\d{3})\r?$", RegexOptions.Multiline)]
    private static partial Regex ResultLine();
}
