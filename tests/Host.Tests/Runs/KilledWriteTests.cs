using System.Text.Json;

namespace Siamese.Host.Tests.Runs;

/// <summary>
/// Kills the real program (SIGKILL, through the SIAMESE_FAILPOINT failpoint) while each of its writers has written its
/// temporary file and not yet renamed it, and checks: the file is the old version (or absent), and the next start
/// leaves no temporary behind and produces the file.
/// </summary>
public sealed class KilledWriteTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static readonly string[] Recipe = ["--Training:Epochs=2", "--Training:StepsPerEpoch=5", "--Training:ValidationSteps=2", "--Evaluation:TestPairs=200", "--Output:Directory=runs/kill"];

    /// <param name="occurrence">Which write of the file is killed: the second of a per-epoch file leaves the first epoch's version.</param>
    [Theory]
    [InlineData(RunFiles.Configuration, 1)]
    [InlineData(RunFiles.Checkpoint, 1)]
    [InlineData(RunFiles.Checkpoint, 2)]
    [InlineData(RunFiles.History, 2)]
    [InlineData(RunFiles.HistoryJson, 2)]
    [InlineData(RunFiles.HistoryPlot, 1)]
    [InlineData(RunFiles.Weights, 1)]
    [InlineData(RunFiles.ModelOptions, 1)]
    [InlineData(RunFiles.PyTorch, 1)]
    [InlineData(RunFiles.Safetensors, 1)]
    [InlineData(RunFiles.Onnx, 1)]
    [InlineData(RunFiles.OnnxEmbedding, 1)]
    [InlineData(RunFiles.Evaluation, 1)]
    public void Train_KilledBeforeAWriteIsRenamed_KeepsTheOldFileAndTheNextStartCleansUp(string file, int occurrence)
    {
        using var host = new HostProcess();
        var folder = Path.Combine(host.Home, "runs", "kill");
        var target = Path.Combine(folder, file);

        host.Environment["SIAMESE_FAILPOINT"] = $"kill-after-write:{file}:{occurrence}";
        var killed = host.Run(Timeout, Recipe);
        host.Environment.Clear();

        Assert.True(killed.ExitCode == 137, $"exit {killed.ExitCode}, expected 137 (SIGKILL):\n{killed.Output}");
        Assert.Single(Directory.GetFiles(folder, $".{file}{AtomicFile.TemporaryMarker}*"));
        if (occurrence == 1)
        {
            Assert.False(File.Exists(target), $"{file} exists although its first write was killed");
        }
        else
        {
            AssertFirstEpochVersion(target);
        }

        var checkpoint = Path.Combine(folder, RunFiles.Checkpoint);
        var next = File.Exists(checkpoint) ? host.Run(Timeout, [.. Recipe, "--Training:ResumeFrom=runs/kill"]) : host.Run(Timeout, Recipe);

        Assert.True(next.ExitCode == 0, next.Output);
        Assert.True(File.Exists(target), $"{file} missing after the next start");
        Assert.Empty(Directory.GetFiles(folder, AtomicFile.TemporaryPattern, SearchOption.AllDirectories));
    }

    [Fact]
    public void Evaluate_KilledBeforeItsReportIsRenamed_TheNextEvaluateReplacesTheLeftover()
    {
        using var host = new HostProcess();
        var model = Path.Combine(host.Home, "runs", "tiny");
        Commands.TestFiles.WriteTinyModel(model);
        string[] evaluate = ["evaluate", "--model", "runs/tiny", "--trials", "100", "--Evaluation:TestPairs=200"];

        host.Environment["SIAMESE_FAILPOINT"] = $"kill-after-write:{EvaluateCommand.ReportName}";
        var killed = host.Run(Timeout, evaluate);
        host.Environment.Clear();
        Assert.True(killed.ExitCode == 137, killed.Output);
        Assert.Single(Directory.GetFiles(model, $".{EvaluateCommand.ReportName}{AtomicFile.TemporaryMarker}*"));
        Assert.False(File.Exists(Path.Combine(model, EvaluateCommand.ReportName)));

        var next = host.Run(Timeout, evaluate);

        Assert.True(next.ExitCode == 0, next.Output);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, EvaluateCommand.ReportName)));
        Assert.Empty(Directory.GetFiles(model, AtomicFile.TemporaryPattern));
    }

    /// <summary>The version written after the first epoch: intact, and saying one epoch.</summary>
    private static void AssertFirstEpochVersion(string path)
    {
        switch (Path.GetFileName(path))
        {
            case RunFiles.Checkpoint:
                Assert.Equal(1, Checkpoint.ReadProgress(path).CompletedEpochs);
                break;
            case RunFiles.History:
                Assert.Single(EpochRecord.ParseCsv(File.ReadAllText(path)));
                break;
            case RunFiles.HistoryJson:
                using (var history = JsonDocument.Parse(File.ReadAllText(path)))
                {
                    Assert.Equal(1, history.RootElement.GetArrayLength());
                }

                break;
            default:
                throw new ArgumentException($"no first-epoch version known for {path}");
        }
    }
}
