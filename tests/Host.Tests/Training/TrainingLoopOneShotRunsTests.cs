using Microsoft.Extensions.Logging.Abstractions;
using Siamese.Host.Tests.Evaluation;
using Siamese.Pipeline;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Tests.Training;

/// <summary><c>Evaluation:OneShotRuns</c>: a training run scores its final weights on the runs, and refuses unusable runs before it trains.</summary>
public sealed class TrainingLoopOneShotRunsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("siamese-run-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static TrainingLoop Loop(string oneShotRuns)
    {
        var training = new TrainingOptions { Epochs = 2, StepsPerEpoch = 6, ValidationSteps = 2 };
        var pipeline = new PipelineOptions { BatchSize = 8 };
        var settings = new RunSettings
        {
            Pipeline = pipeline,
            Model = RunSettings.Record(new ModelOptions { HiddenSizes = [16, 16] }, training, pipeline),
            Training = training,
            Trainer = new TrainerSettings { LearningRate = 1e-3 },
            Evaluation = new EvaluationOptions { TestPairs = 100, OneShotRuns = oneShotRuns },
        };
        return new TrainingLoop(SyntheticDigits.FakeStream(8), settings, NullLogger<TrainingLoop>.Instance);
    }

    [Fact]
    public async Task RunAsync_OneShotRunsConfigured_ScoresTheFinalWeightsAfterTheTestEvaluation()
    {
        var runs = HandMadeRuns.WriteZip(_root);
        using var folder = RunDirectory.Open(Path.Combine(_root, "run"));

        var result = await Loop(runs).RunAsync(SyntheticDigits.Split(), new RunOutputs(folder, null, tensorBoard: false), null, CancellationToken.None);

        Assert.NotNull(result.Evaluation);
        var report = Assert.IsType<OneShotRunsReport>(result.OneShotRuns);
        Assert.Equal((2, 6), (report.RunCount, report.Trials));
        Assert.Equal(report.PerRun.Average(r => r.Error), report.MeanError, 12);
        Assert.True(File.Exists(folder.File(RunFiles.OneShotRuns)));
        Assert.True(File.Exists(folder.File(RunFiles.OneShotRunPicture)));

        // The same weights scored by the verb's path give the same report.
        using var saved = SiameseModel.Load(folder.Path);
        var again = OneShotRunsScorer.Score(saved, OneShotRunsScorer.Read(runs, saved.Options, CancellationToken.None), "saved", CancellationToken.None);
        Assert.Equal(report.PerRun.SelectMany(r => r.Predictions), again.PerRun.SelectMany(r => r.Predictions));
    }

    [Fact]
    public async Task RunAsync_RunsWithoutClassLabels_RefusedBeforeTraining()
    {
        var runs = HandMadeRuns.WriteFolder(Path.Combine(_root, "runs"));
        File.Delete(Path.Combine(runs, "run01", "class_labels.txt"));
        using var folder = RunDirectory.Open(Path.Combine(_root, "run"));

        var e = await Assert.ThrowsAsync<DataFormatException>(() => Loop(runs).RunAsync(SyntheticDigits.Split(), new RunOutputs(folder, null, tensorBoard: false), null, CancellationToken.None));

        Assert.Equal(Path.Combine(runs, "run01"), e.FilePath);
        Assert.False(File.Exists(folder.CheckpointPath), "it trained before refusing the runs");
    }
}
