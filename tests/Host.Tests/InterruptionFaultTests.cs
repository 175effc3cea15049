using Xunit.Abstractions;

namespace Siamese.Host.Tests;

/// <summary>
/// Interrupts the real host at 20 seeded moments (start-up, mid-epoch, validation, checkpoint writes, evaluation)
/// with SIGINT or SIGTERM, and checks every time: a prompt exit, an intact and loadable checkpoint, no temporary
/// files, and a resume that completes the run.
/// </summary>
public sealed class InterruptionFaultTests(ITestOutputHelper output)
{
    private const int Epochs = 3;
    private static readonly TimeSpan ShutdownLimit = TimeSpan.FromSeconds(20);

    [Fact]
    public void Train_InterruptedAtTwentySeededMoments_LosesNothing()
    {
        using var host = new HostProcess();
        var random = new Random(20261130);
        var outcomes = new List<string>();
        for (int trial = 0; trial < 20; trial++)
        {
            var folder = $"runs/fault-{trial}";
            var args = new[] { $"--Training:Epochs={Epochs}", "--Training:StepsPerEpoch=60", "--Training:ValidationSteps=20", "--Evaluation:TestPairs=2000", $"--Output:Directory={folder}" };
            var delay = TimeSpan.FromMilliseconds(random.Next(100, 3500));
            var signal = trial % 2 == 0 ? "TERM" : "INT";

            HostProcess.Result stopped;
            using (var process = host.Start(args))
            {
                Thread.Sleep(delay);
                HostProcess.Signal(process, signal);
                stopped = HostProcess.Collect(process, ShutdownLimit);
            }

            // 0: finished before the signal; 130: stopped by the worker with a checkpoint;
            // 143/130 from the runtime itself when the signal came before the host installed its handlers.
            Assert.True(stopped.ExitCode is 0 or 130 or 143, $"trial {trial} ({signal} after {delay.TotalMilliseconds} ms): exit {stopped.ExitCode}\n{stopped.Output}");
            var runPath = Path.Combine(host.Home, folder);
            if (Directory.Exists(runPath))
            {
                Assert.Empty(Directory.GetFiles(runPath, "*.tmp-*", SearchOption.AllDirectories));
            }

            var checkpoint = Path.Combine(runPath, RunFiles.Checkpoint);
            if (!File.Exists(checkpoint))
            {
                outcomes.Add($"{trial}:{stopped.ExitCode}:no-checkpoint");
                continue;
            }

            using (var trainer = new SiameseTrainer(new ModelOptions(), new TrainerSettings()))
            {
                var info = Checkpoint.Restore(checkpoint, trainer).Progress;
                outcomes.Add($"{trial}:{stopped.ExitCode}:epoch{info.CompletedEpochs}+{info.StepInEpoch}");
            }

            var resumed = host.Run(TimeSpan.FromMinutes(2), [.. args, $"--Training:ResumeFrom={folder}"]);
            Assert.True(resumed.ExitCode == 0, $"trial {trial}: resume failed\n{resumed.Output}");
            Assert.Equal(Epochs + 1, File.ReadAllLines(Path.Combine(runPath, "history.csv")).Length);
            Assert.True(File.Exists(Path.Combine(runPath, "evaluation.json")));
        }

        output.WriteLine(string.Join(", ", outcomes));

        // The seeded moments must actually interrupt training, not only start-up or a finished run.
        Assert.True(outcomes.Count(o => o.Contains(":130:epoch", StringComparison.Ordinal)) >= 5, string.Join(", ", outcomes));
    }
}
