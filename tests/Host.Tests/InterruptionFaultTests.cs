using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace Siamese.Host.Tests;

/// <summary>
/// Interrupts the real host at 20 seeded points of progress (start-up, data loading, a training step, an epoch's
/// validation, the exports, the final evaluation) with SIGINT or SIGTERM. The signal is placed by progress, not by
/// time: the pause-at failpoint stops the program at that point and says so, and the signal follows. Every trial
/// checks exit code 130, the lock released, no temporary files, a checkpoint at exactly that point of progress once
/// training has begun, and a resume (or a new start) that finishes the run.
/// </summary>
public sealed class InterruptionFaultTests(ITestOutputHelper output)
{
    private const int Epochs = 3;
    private const int Steps = 60;

    /// <summary>A hang guard only: the exit itself is measured, not asserted (0.3–0.5 s here).</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public void Train_InterruptedAtTwentySeededPointsOfProgress_ExitsInterruptedAndLosesNothing()
    {
        using var host = new HostProcess();
        var random = new Random(20261201);
        var outcomes = new List<string>();
        for (int trial = 0; trial < 20; trial++)
        {
            var (phase, n) = Pick(random);
            var signal = trial % 2 == 0 ? "TERM" : "INT";
            var folder = $"runs/fault-{trial}";
            var args = new[] { $"--Training:Epochs={Epochs}", $"--Training:StepsPerEpoch={Steps}", "--Training:ValidationSteps=20", "--Evaluation:TestPairs=2000", $"--Output:Directory={folder}" };
            var context = $"trial {trial}: {signal} at {phase} {n}";

            host.Environment["SIAMESE_FAILPOINT"] = $"pause-at:{phase}:{n}";
            var stopped = host.SignalWhenPaused(Limit, signal, args);
            host.Environment.Clear();

            Assert.True(stopped.ExitCode == 130, $"{context}: exit {stopped.ExitCode}\n{stopped.Output}");
            var run = Path.Combine(host.Home, folder);
            Assert.False(File.Exists(Path.Combine(run, RunFiles.Lock)), $"{context}: run.lock left behind");
            if (Directory.Exists(run))
            {
                Assert.Empty(Directory.GetFiles(run, AtomicFile.TemporaryPattern, SearchOption.AllDirectories));
            }

            var checkpoint = Path.Combine(run, RunFiles.Checkpoint);
            AssertPosition(phase, n, checkpoint, context);
            outcomes.Add($"{trial}:{phase}{n}:{stopped.ExitCode}");

            var next = host.Run(Limit, File.Exists(checkpoint) ? [.. args, $"--Training:ResumeFrom={folder}"] : args);
            Assert.True(next.ExitCode == 0, $"{context}: the next start failed\n{next.Output}");
            Assert.Equal(Epochs + 1, File.ReadAllLines(Path.Combine(run, RunFiles.History)).Length);
            Assert.True(File.Exists(Path.Combine(run, RunFiles.Evaluation)), context);
        }

        output.WriteLine(string.Join(", ", outcomes));
    }

    /// <summary>A seeded point of progress: mostly training steps, and every other phase now and then.</summary>
    private static (string Phase, int N) Pick(Random random) => random.Next(10) switch
    {
        0 => ("start", 1),
        1 => ("load", 1),
        2 => ("validation", 1 + random.Next(Epochs)),
        3 => ("export", 1),
        4 => ("evaluation", 1),
        _ => ("step", 1 + random.Next(Epochs * Steps)),
    };

    /// <summary>The checkpoint says exactly where the run was when the signal came, or there is none before training.</summary>
    private static void AssertPosition(string phase, int n, string checkpoint, string context)
    {
        if (phase is "start" or "load" || (phase == "step" && n == 1))
        {
            Assert.False(File.Exists(checkpoint) && Checkpoint.ReadProgress(checkpoint).BatchesConsumed > 0, $"{context}: trained before the signal");
            return;
        }

        Assert.True(File.Exists(checkpoint), $"{context}: no checkpoint");
        using var trainer = new SiameseTrainer(new ModelOptions(), new TrainerSettings());
        var progress = Checkpoint.Restore(checkpoint, trainer).Progress;
        var (epochs, step) = phase switch
        {
            "step" => ((n - 1) / Steps, (n - 1) % Steps),
            "validation" => (n - 1, Steps),
            _ => (Epochs, 0),
        };
        Assert.True((epochs, step) == (progress.CompletedEpochs, progress.StepInEpoch), $"{context}: checkpoint at epoch {progress.CompletedEpochs} step {progress.StepInEpoch}, expected {epochs} {step}");
        Assert.Equal((long)(epochs * Steps) + step, progress.BatchesConsumed);
    }
}
