using System.Text.Json;
using Siamese.Host.Tests.Evaluation;

namespace Siamese.Host.Tests.Commands;

/// <summary><c>one-shot-runs</c>, run as the real program on <see cref="HandMadeRuns"/> with a tiny model trained here.</summary>
public sealed class OneShotRunsCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static void AssertExit(int expected, HostProcess.Result result) =>
        Assert.True(result.ExitCode == expected, $"exit {result.ExitCode}, expected {expected}:\n{result.Output}");

    [Fact]
    public void OneShotRuns_HandMadeRuns_PrintsEachRunTheMeanAndThePublishedTableAndWritesThem()
    {
        using var host = new HostProcess();
        TestFiles.WriteTinyModel(Path.Combine(host.Home, "runs", "tiny"), options: HandMadeRuns.Model);
        var zip = HandMadeRuns.WriteZip(host.Home);

        var result = host.Run(Timeout, "one-shot-runs", "--model", "runs/tiny", "--runs", zip, "--output", "out");

        AssertExit(0, result);
        Assert.Contains("Run run01: error 33.3% (1 of 3 items wrong)", result.Output);
        Assert.Contains("Run run02: error 0.0% (0 of 3 items wrong)", result.Output);
        Assert.Contains("Official one-shot runs: mean error 16.7% over 2 runs (6 trials)", result.Output);
        Assert.Matches(@"people\s+-\s+4\.5%", result.Output);
        Assert.Matches(@"> this model\s+\(above\)\s+16\.7%", result.Output);
        Assert.True(result.Output.IndexOf("this model", StringComparison.Ordinal) > result.Output.IndexOf("13.5%", StringComparison.Ordinal), "16.7% sits between 13.5% and 24.0%");
        Assert.True(result.Output.IndexOf("this model", StringComparison.Ordinal) < result.Output.IndexOf("24.0%", StringComparison.Ordinal), "16.7% sits between 13.5% and 24.0%");
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(host.Home, "out", OneShotRunsScorer.ReportName)));
        Assert.Equal(HandMadeRuns.MeanError, report.RootElement.GetProperty("MeanError").GetDouble(), 12);
        Assert.Contains("784-16-16/contrastive", report.RootElement.GetProperty("Model").GetString());
        Assert.Equal(OneShotRunPicture.Size(3), TestFiles.PngSize(Path.Combine(host.Home, "out", OneShotRunsScorer.PictureName)));
    }

    [Fact]
    public void OneShotRuns_RunWithoutClassLabels_ExitTwoWithOneLineNamingIt()
    {
        using var host = new HostProcess();
        TestFiles.WriteTinyModel(Path.Combine(host.Home, "runs", "tiny"), options: HandMadeRuns.Model);
        var runs = HandMadeRuns.WriteFolder(Path.Combine(host.Home, "bad"));
        File.Delete(Path.Combine(runs, "run02", "class_labels.txt"));

        var result = host.Run(Timeout, "one-shot-runs", "--model", "runs/tiny", "--runs", "bad", "--output", "out");

        AssertExit(ExitCode.BadInput, result);
        var line = Assert.Single(result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains($"{Path.Combine(runs, "run02")}: is a run folder without its class_labels.txt", line);
        Assert.False(Directory.Exists(Path.Combine(host.Home, "out")));
    }
}
