using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Tests.Commands;

/// <summary>
/// A model is scored with the pixel rescale it was trained with, which it records: <c>compare</c> and <c>evaluate</c>
/// read it from the model, never from today's <c>Pipeline:Augmentation:Rescale</c>.
/// </summary>
public sealed partial class RecordedRescaleTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public void CompareAndEvaluate_ModelTrainedWithAnotherRescale_ScoreAsTheRunItselfDidWithoutTheOverride()
    {
        using var host = new HostProcess();
        const string Rescale = "0.0156862745";   // 4/255: the network sees pixels four times brighter than by default
        var train = host.Run(Timeout, "train", "--Output:Directory=runs/bright", $"--Pipeline:Augmentation:Rescale={Rescale}",
            "--Training:Epochs=1", "--Training:StepsPerEpoch=60", "--Training:ValidationSteps=1", "--Evaluation:TestPairs=1000");
        Assert.True(train.ExitCode == 0, train.Output);
        var run = Path.Combine(host.Home, "runs", "bright");

        var evaluate = host.Run(Timeout, "evaluate", "--model", "runs/bright", "--trials", "50", "--Evaluation:TestPairs=1000");
        var compare = host.Run(Timeout, "compare", "test:0", "test:1", "--model", "runs/bright", "--output", "pair.png");

        Assert.True(evaluate.ExitCode == 0, evaluate.Output);
        Assert.True(compare.ExitCode == 0, compare.Output);
        using var own = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "evaluation.json")));
        using var full = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, EvaluateCommand.ReportName)));
        var atThreshold = full.RootElement.GetProperty("AtThreshold");
        Assert.Equal(own.RootElement.GetProperty("Accuracy").GetDouble(), atThreshold.GetProperty("Accuracy").GetDouble());
        Assert.Equal(own.RootElement.GetProperty("RocAuc").GetDouble(), atThreshold.GetProperty("RocAuc").GetDouble());

        var test = MnistLoader.TryLoad(Path.Combine(HostProcess.RepositoryRoot, "data", "mnist"))!.Test;
        using var model = SiameseModel.Load(run);
        Assert.Equal(4 / 255.0, model.Options.Rescale, 1e-9);
        float expected = model.Similarity(test.Image(0), test.Image(1));
        Assert.Equal(expected.ToString("F3", CultureInfo.InvariantCulture), PrintedSimilarity().Match(compare.Output).Groups[1].Value);
    }

    [GeneratedRegex(@"Similarity of test:0 and test:1: (\d\.\d{3})")]
    private static partial Regex PrintedSimilarity();
}
