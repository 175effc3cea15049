namespace Siamese.Host.Tests;

/// <summary>The real program, end to end, on real MNIST (the first run fetches it with npm if it is missing).</summary>
public sealed class HostProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public void Train_ShortRecipeOnRealMnist_ExitsZeroAndLeavesOutputs()
    {
        using var host = new HostProcess();

        var result = host.Run(Timeout, "--Training:Epochs=2", "--Training:StepsPerEpoch=20", "--Training:ValidationSteps=5", "--Output:Directory=runs/e2e");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("Split train: 48000 images", result.Output);
        Assert.Contains("Split validation: 12000 images", result.Output);
        Assert.Contains("Split test: 10000 images, per class 0:980 1:1135 2:1032 3:1010 4:982 5:892 6:958 7:1028 8:974 9:1009", result.Output);
        Assert.Contains("Epoch 2/2 - loss:", result.Output);
        var run = Path.Combine(host.Home, "runs", "e2e");
        Assert.Equal(3, File.ReadAllLines(Path.Combine(run, "history.csv")).Length);
        Assert.True(File.Exists(Path.Combine(run, "evaluation.json")));
        Assert.True(File.Exists(Path.Combine(run, "model.pt")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(host.Home, "logs")));
    }

    [Fact]
    public void Train_SigtermMidRun_SavesCheckpointAndResumeCompletes()
    {
        using var host = new HostProcess();
        var args = new[] { "--Training:Epochs=400", "--Output:Directory=runs/term" };
        host.Environment["SIAMESE_FAILPOINT"] = "pause-at:step:250";   // mid epoch 3
        var stopped = host.SignalWhenPaused(Timeout, "TERM", args);
        host.Environment.Clear();
        Assert.True(stopped.ExitCode == 130, stopped.Output);
        Assert.Contains("checkpoint saved", stopped.Output);

        var folder = Path.Combine(host.Home, "runs", "term");
        var info = Checkpoint.ReadProgress(Path.Combine(folder, RunFiles.Checkpoint));
        Assert.Equal((2, 49), (info.CompletedEpochs, info.StepInEpoch));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp-*"));

        var resumed = host.Run(Timeout, $"--Training:Epochs={info.CompletedEpochs + 1}", "--Training:ResumeFrom=runs/term");
        Assert.True(resumed.ExitCode == 0, resumed.Output);
        Assert.Contains("Resuming from", resumed.Output);
        Assert.Equal(info.CompletedEpochs + 2, File.ReadAllLines(Path.Combine(folder, "history.csv")).Length);
    }

    [Fact]
    public void Train_InterruptedBeforeTraining_SaysNothingWasSavedAndLeavesNoFolder()
    {
        using var host = new HostProcess();
        host.Environment["SIAMESE_FAILPOINT"] = "pause-at:start";

        var stopped = host.SignalWhenPaused(Timeout, "INT", "--Output:Directory=runs/early");

        Assert.True(stopped.ExitCode == 130, stopped.Output);
        Assert.Contains("Interrupted before training; nothing was saved", stopped.Output);
        Assert.DoesNotContain("the last checkpoint is intact", stopped.Output);
        Assert.False(Directory.Exists(Path.Combine(host.Home, "runs")), "an interrupted start left its folder");
    }

    [Theory]
    [InlineData("fetch-packed:1")]
    [InlineData("fetch-verified:2")]
    [InlineData("fetch-move:4")]
    public void FetchData_KilledMidFetch_LeavesNoPartialDatasetAndNextStartFetches(string point)
    {
        using var host = new HostProcess(settings => settings["Data"]!["Directory"] = "fresh-data");
        var data = Path.Combine(host.Home, "fresh-data");
        host.Environment["SIAMESE_FAILPOINT"] = $"pause-at:{point}";
        var killed = host.SignalWhenPaused(Timeout, "KILL", "fetch-data", "--Data:Sources:0=npm");
        host.Environment.Clear();
        Assert.NotEqual(0, killed.ExitCode);
        Assert.False(Siamese.Pipeline.Data.MnistLoader.IsPresent(data), $"killed at {point}, the folder looks complete");

        var again = host.Run(Timeout, "fetch-data", "--Data:Sources:0=npm");

        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("Split test: 10000 images", again.Output);
        Assert.Empty(Directory.GetFileSystemEntries(data, ".fetch-*"));
    }
}
