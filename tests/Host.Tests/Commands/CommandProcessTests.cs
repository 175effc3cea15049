using System.Text.Json;

namespace Siamese.Host.Tests.Commands;

/// <summary>The verbs, run as the real program on real MNIST with a tiny model trained here.</summary>
public sealed class CommandProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static void AssertExit(int expected, HostProcess.Result result) =>
        Assert.True(result.ExitCode == expected, $"exit {result.ExitCode}, expected {expected}:\n{result.Output}");

    private static void AssertCleanRefusal(HostProcess.Result result, string mentions)
    {
        AssertExit(ExitCode.BadInput, result);
        Assert.Contains(mentions, result.Output);
        Assert.DoesNotContain("   at ", result.Output);
    }

    [Fact]
    public void Evaluate_TinyModelFolder_WritesReportPicturesAndSummary()
    {
        using var host = new HostProcess();
        var model = Path.Combine(host.Home, "runs", "tiny");
        TestFiles.WriteTinyModel(model);

        var result = host.Run(Timeout, "evaluate", "--model", "runs/tiny", "--trials", "1000", "--Evaluation:TestPairs=1000");

        AssertExit(0, result);
        Assert.Contains("Test pairs: 1000 balanced", result.Output);
        Assert.Contains("Calibrated threshold", result.Output);
        Assert.Contains("Equal error rate", result.Output);
        Assert.Contains("One-shot 10-way accuracy", result.Output);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, EvaluateCommand.ReportName)));
        var root = report.RootElement;
        Assert.Equal(1000, root.GetProperty("AtThreshold").GetProperty("Pairs").GetInt32());
        Assert.Equal(1000, root.GetProperty("OneShot").GetProperty("Trials").GetInt32());
        Assert.Equal(10, root.GetProperty("OneShot").GetProperty("Ways").GetInt32());
        Assert.Equal(10, root.GetProperty("DigitPairs").GetProperty("Accuracy").GetArrayLength());
        var oneShot = root.GetProperty("OneShot");
        Assert.InRange(oneShot.GetProperty("Accuracy").GetDouble(), oneShot.GetProperty("CiLow").GetDouble(), oneShot.GetProperty("CiHigh").GetDouble());
        Assert.Equal((RocPlot.Width, RocPlot.Height), TestFiles.PngSize(Path.Combine(model, EvaluateCommand.RocName)));
        Assert.Equal((DigitPairHeatmap.Width, DigitPairHeatmap.Height), TestFiles.PngSize(Path.Combine(model, EvaluateCommand.HeatmapName)));
    }

    [Fact]
    public void Evaluate_Checkpoint_ReadsShapeFromItsHeaderAndWritesToOutput()
    {
        using var host = new HostProcess();
        var model = Path.Combine(host.Home, "ck");
        TestFiles.WriteTinyModel(model, checkpoint: true);
        File.Delete(Path.Combine(model, RunFiles.ModelOptions));

        var result = host.Run(Timeout, "evaluate", "--model", Path.Combine(model, RunFiles.Checkpoint), "--output", Path.Combine(host.Home, "out"),
            "--trials", "1000", "--ways", "5", "--Evaluation:TestPairs=500");

        AssertExit(0, result);
        Assert.Contains("checkpoint, model 784-16-16/L1", result.Output);
        Assert.Contains("One-shot 5-way accuracy", result.Output);
        Assert.True(File.Exists(Path.Combine(host.Home, "out", EvaluateCommand.ReportName)));
    }

    [Fact]
    public void Compare_TestImageAndDrawnPicture_PrintsSimilarityAndDrawsTitledPair()
    {
        using var host = new HostProcess();
        var model = Path.Combine(host.Home, "runs", "tiny");
        TestFiles.WriteTinyModel(model);
        var picture = Path.Combine(host.Home, "my one.png");
        TestFiles.WriteDigitPicture(picture, darkOnLight: true);

        var result = host.Run(Timeout, "compare", "test:0", picture, "--invert", "--model", model, "--output", Path.Combine(host.Home, "pair.png"));

        AssertExit(0, result);
        Assert.Matches(@"Similarity of test:0 and .*my one\.png: \d\.\d{3} \(""7 v\.s \? , similarity : \d\.\d{3}""", result.Output);
        Assert.Equal((DigitPictures.PairWidth, DigitPictures.PairHeight), TestFiles.PngSize(Path.Combine(host.Home, "pair.png")));
    }

    [Fact]
    public void ShowAndPreview_WriteTheirPictures()
    {
        using var host = new HostProcess();

        var show = host.Run(Timeout, "show", "test:0", "--output", Path.Combine(host.Home, "pictures"));
        var preview = host.Run(Timeout, "preview-augmentation", "--samples", "4", "--output", Path.Combine(host.Home, "pictures"));

        AssertExit(0, show);
        Assert.Contains("test:0 (label 7)", show.Output);
        Assert.Equal((DigitPictures.SingleWidth, DigitPictures.SingleHeight), TestFiles.PngSize(Path.Combine(host.Home, "pictures", "show-test-0.png")));
        AssertExit(0, preview);
        Assert.Equal(DigitPictures.GridSize(10, 5), TestFiles.PngSize(Path.Combine(host.Home, "pictures", PreviewAugmentationCommand.FileName)));
    }

    [Fact]
    public void CompareRuns_TwoVariantFiles_TrainsEachWithItsSettingsAndDrawsOneFigure()
    {
        using var host = new HostProcess();
        foreach (var (name, rate) in new[] { ("fast", "1e-3"), ("slow", "1e-5") })
        {
            File.WriteAllText(Path.Combine(host.Home, name + ".json"), $$"""{ "Training": { "LearningRate": {{rate}} } }""");
        }

        var result = host.Run(Timeout, "compare-runs", "fast.json", "slow.json", "--output", "runs/cmp",
            "--Training:Epochs=2", "--Training:StepsPerEpoch=5", "--Training:ValidationSteps=2", "--Evaluation:TestPairs=100");

        AssertExit(0, result);
        var output = Path.Combine(host.Home, "runs", "cmp");
        Assert.Equal((RunComparisonPlot.WidthFor(2), RunComparisonPlot.Height), TestFiles.PngSize(Path.Combine(output, CompareRunsCommand.FigureName)));
        var slow = EpochRecord.ParseCsv(File.ReadAllText(Path.Combine(output, "slow", "history.csv")));
        Assert.Equal(2, slow.Count);
        Assert.All(slow, h => Assert.Equal(1e-5, h.LearningRate));
        Assert.All(EpochRecord.ParseCsv(File.ReadAllText(Path.Combine(output, "fast", "history.csv"))), h => Assert.Equal(1e-3, h.LearningRate));
    }

    [Fact]
    public void CompareRuns_BadVariant_ExitsTwoBeforeTraining()
    {
        using var host = new HostProcess();
        File.WriteAllText(Path.Combine(host.Home, "good.json"), """{ "Training": { "LearningRate": 1e-3 } }""");
        File.WriteAllText(Path.Combine(host.Home, "bad.json"), """{ "Training": { "LearningRate": -1 } }""");
        File.WriteAllText(Path.Combine(host.Home, "broken.json"), """{ "Training": """);

        AssertCleanRefusal(host.Run(Timeout, "compare-runs", "good.json", "bad.json", "--output", "runs/cmp"), "Training:LearningRate");
        Assert.False(Directory.Exists(Path.Combine(host.Home, "runs", "cmp", "good")));
        AssertCleanRefusal(host.Run(Timeout, "compare-runs", "good.json", "broken.json"), "broken.json");
        AssertCleanRefusal(host.Run(Timeout, "compare-runs"), "Sweep:Variants");
    }
}
