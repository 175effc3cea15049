using Siamese.Tests.Shared;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Siamese.Pipeline;

namespace Siamese.Host.Tests.Training;

public sealed class TrainingLoopTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("siamese-run-").FullName;

    private static TrainingLoop Run(TrainingOptions training, IBatchSource batches, int batchSize = 8, int testPairs = 200, ModelOptions? model = null, TrainerSettings? settings = null, bool everyEpoch = false)
    {
        var pipeline = new PipelineOptions { BatchSize = batchSize };
        var run = new RunSettings
        {
            Pipeline = pipeline,
            Model = RunSettings.Record(model ?? new ModelOptions(), training, pipeline),
            Training = training,
            Trainer = settings ?? new TrainerSettings { LearningRate = 1e-3 },
            Evaluation = new EvaluationOptions { TestPairs = testPairs, EveryEpoch = everyEpoch },
        };
        return new TrainingLoop(batches, run, NullLogger<TrainingLoop>.Instance);
    }

    private static RunOutputs Outputs(RunDirectory folder) => new(folder, configuration: null, tensorBoard: true);

    private static TrainingOptions Recipe(int epochs = 4) =>
        new() { Epochs = epochs, StepsPerEpoch = 12, ValidationSteps = 3 };

    [Fact]
    public async Task RunAsync_FakeBatchChannel_LearnsAndWritesEveryOutput()
    {
        var split = SyntheticDigits.Split();
        using var folder = RunDirectory.Open(Path.Combine(_root, "a"));

        var result = await Run(Recipe(epochs: 6), SyntheticDigits.FakeStream(8)).RunAsync(split, Outputs(folder), null, CancellationToken.None);

        Assert.Equal(Enumerable.Range(1, 6), result.History.Select(h => h.Epoch));
        Assert.True(result.History[^1].Loss < result.History[0].Loss, $"loss {result.History[0].Loss} -> {result.History[^1].Loss}");
        Assert.True(result.Evaluation!.Accuracy > 0.7, $"test accuracy {result.Evaluation!.Accuracy}");
        foreach (var name in new[] { "history.csv", "history.json", "checkpoint.bin", "model.bin", "model.json", "model.pt", "model.safetensors", "model.onnx", "embedding.onnx", "evaluation.json" })
        {
            Assert.True(File.Exists(folder.File(name)), name);
        }

        Assert.Equal(result.History.Select(h => h.Loss), EpochRecord.ParseCsv(File.ReadAllText(folder.File("history.csv"))).Select(h => h.Loss));
        var scalars = TensorBoardEvents.Scalars(Assert.Single(Directory.GetFiles(folder.File("tensorboard"), "events.out.tfevents.*")));
        Assert.Equal(["accuracy/train", "accuracy/validation", "learning_rate", "loss/train", "loss/validation", "throughput/pairs_per_second"], scalars.Select(s => s.Tag).Distinct().Order(StringComparer.Ordinal));
        foreach (var epoch in result.History)
        {
            Assert.Equal((float)epoch.Loss, Assert.Single(scalars, s => s.Tag == "loss/train" && s.Step == epoch.Epoch).Value);
            Assert.Equal((float)epoch.ValAcc, Assert.Single(scalars, s => s.Tag == "accuracy/validation" && s.Step == epoch.Epoch).Value);
            Assert.Equal((float)epoch.LearningRate, Assert.Single(scalars, s => s.Tag == "learning_rate" && s.Step == epoch.Epoch).Value);
        }
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp-*"));
    }

    [Fact]
    public async Task RunAsync_EveryEpoch_EachEpochsTestAccuracyIsThatEpochsModelOnTheTestPairs()
    {
        // With a constant rate, the first k epochs of a longer run are a k-epoch run: the k-epoch run's final test
        // evaluation (same pairs, same 0.5 threshold) is what the longer run must have recorded for epoch k.
        var split = SyntheticDigits.Split();
        using var everyEpoch = RunDirectory.Open(Path.Combine(_root, "every"));
        var scored = await Run(Recipe(epochs: 3), SyntheticDigits.FakeStream(8), everyEpoch: true).RunAsync(split, Outputs(everyEpoch), null, CancellationToken.None);
        var atEpoch = new List<double>();
        for (int epochs = 1; epochs <= 2; epochs++)
        {
            using var shorter = RunDirectory.Open(Path.Combine(_root, $"short{epochs}"));
            atEpoch.Add((await Run(Recipe(epochs), SyntheticDigits.FakeStream(8)).RunAsync(split, Outputs(shorter), null, CancellationToken.None)).Evaluation!.Accuracy);
        }

        atEpoch.Add(scored.Evaluation!.Accuracy);

        Assert.Equal(atEpoch, scored.History.Select(h => h.TestAcc));
        Assert.NotEqual(atEpoch[0], atEpoch[^1]);
        Assert.All(scored.History, h => Assert.InRange(h.SinceStart, 0, 3600));
        Assert.Equal(scored.History.Select(h => h.TestAcc), EpochRecord.ParseCsv(File.ReadAllText(everyEpoch.File("history.csv"))).Select(h => h.TestAcc));
    }

    [Fact]
    public async Task RunAsync_EveryEpochRunFailsAfterAnEpochThenResumes_NoEpochLosesItsTestScore()
    {
        // Epoch 1's score is collected at epoch 2's end, after epoch 1's checkpoint was written: a run that fails in
        // epoch 2 must still put it in its history files, and a run resumed from that checkpoint must score it again.
        var split = SyntheticDigits.Split();
        var path = Path.Combine(_root, "fails");
        using (var failing = RunDirectory.Open(path))
        {
            var poisoned = SyntheticDigits.FakeStream(8, alter: (k, batch) =>
            {
                if (k == 15)
                {
                    batch.Left.AsSpan().Fill(float.NaN);
                }

                return batch;
            });
            await Assert.ThrowsAsync<NonFiniteLossException>(() => Run(Recipe(), poisoned, everyEpoch: true).RunAsync(split, Outputs(failing), null, CancellationToken.None));
            var written = Assert.Single(EpochRecord.ParseCsv(File.ReadAllText(failing.File("history.csv"))));
            Assert.True(double.IsFinite(written.TestAcc), "the failed run's history lost epoch 1's test score");
            Assert.True(double.IsNaN(Assert.Single(Checkpoint.ReadProgress(failing.CheckpointPath).History).TestAcc));
        }

        using var resumed = RunDirectory.Open(path);
        var result = await Run(Recipe(), SyntheticDigits.FakeStream(8), everyEpoch: true).RunAsync(split, Outputs(resumed), Checkpoint.Resolve(path), CancellationToken.None);

        Assert.All(result.History, h => Assert.True(double.IsFinite(h.TestAcc), $"epoch {h.Epoch} has no test score"));
        using var once = RunDirectory.Open(Path.Combine(_root, "once"));
        var oneEpoch = await Run(Recipe(epochs: 1), SyntheticDigits.FakeStream(8)).RunAsync(split, Outputs(once), null, CancellationToken.None);
        Assert.Equal(oneEpoch.Evaluation!.Accuracy, result.History[0].TestAcc);
    }

    [Fact]
    public async Task RunAsync_InterruptedMidEpochThenResumed_MatchesUninterruptedRun()
    {
        var split = SyntheticDigits.Split();
        using var straight = RunDirectory.Open(Path.Combine(_root, "straight"));
        var expected = await Run(Recipe(), SyntheticDigits.FakeStream(8)).RunAsync(split, Outputs(straight), null, CancellationToken.None);

        var interruptedPath = Path.Combine(_root, "interrupted");
        using (var interrupted = RunDirectory.Open(interruptedPath))
        using (var stop = new CancellationTokenSource())
        {
            // Stop once batch 17 (epoch 2, step 6) has been handed over.
            var stream = SyntheticDigits.FakeStream(8, k => { if (k == 17) { stop.Cancel(); } });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Run(Recipe(), stream).RunAsync(split, Outputs(interrupted), null, stop.Token));
            var saved = Checkpoint.ReadProgress(interrupted.CheckpointPath);
            Assert.Equal(1, saved.CompletedEpochs);
            Assert.InRange(saved.StepInEpoch, 1, 11);
            Assert.Empty(Directory.GetFiles(interrupted.Path, "*.tmp-*"));
        }

        using var resumed = RunDirectory.Open(interruptedPath);
        var actual = await Run(Recipe(), SyntheticDigits.FakeStream(8)).RunAsync(split, Outputs(resumed), Checkpoint.Resolve(interruptedPath), CancellationToken.None);

        Assert.Equal(expected.History.Select(h => (h.Epoch, h.Loss, h.Acc, h.ValLoss, h.ValAcc)), actual.History.Select(h => (h.Epoch, h.Loss, h.Acc, h.ValLoss, h.ValAcc)));
        Assert.Equal(expected.Evaluation, actual.Evaluation);
    }

    [Theory]
    [InlineData(TowerKind.Conv, LossKind.BinaryCrossEntropy, ScheduleKind.OneCycle, OptimizerKind.Adam)]
    [InlineData(TowerKind.Mlp, LossKind.Contrastive, ScheduleKind.Cosine, OptimizerKind.RMSprop)]
    public async Task RunAsync_ConvOrContrastiveInterruptedMidEpochThenResumed_MatchesUninterruptedRun(TowerKind tower, LossKind loss, ScheduleKind schedule, OptimizerKind optimizer)
    {
        var split = SyntheticDigits.Split();
        TrainingOptions Training() => new() { Epochs = 3, StepsPerEpoch = 8, ValidationSteps = 2, Loss = loss, Schedule = schedule };
        var model = new ModelOptions { Tower = tower, ConvChannels = [4], HiddenSizes = [16, 16] };
        var settings = new TrainerSettings { LearningRate = 3e-3, Optimizer = optimizer };
        TrainingLoop Loop(TrainingOptions training, IBatchSource batches) => Run(training, batches, testPairs: 100, model: model, settings: settings);
        using var straight = RunDirectory.Open(Path.Combine(_root, "straight"));
        var expected = await Loop(Training(), SyntheticDigits.FakeStream(8)).RunAsync(split, Outputs(straight), null, CancellationToken.None);

        var interruptedPath = Path.Combine(_root, "interrupted");
        using (var interrupted = RunDirectory.Open(interruptedPath))
        using (var stop = new CancellationTokenSource())
        {
            var stream = SyntheticDigits.FakeStream(8, k => { if (k == 11) { stop.Cancel(); } });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Loop(Training(), stream).RunAsync(split, Outputs(interrupted), null, stop.Token));
            Assert.Equal(1, Checkpoint.ReadProgress(interrupted.CheckpointPath).CompletedEpochs);
        }

        using var resumed = RunDirectory.Open(interruptedPath);
        var actual = await Loop(Training(), SyntheticDigits.FakeStream(8)).RunAsync(split, Outputs(resumed), Checkpoint.Resolve(interruptedPath), CancellationToken.None);

        Assert.Equal(expected.History.Select(h => (h.Epoch, h.Loss, h.Acc, h.ValLoss, h.ValAcc, h.LearningRate)), actual.History.Select(h => (h.Epoch, h.Loss, h.Acc, h.ValLoss, h.ValAcc, h.LearningRate)));
        Assert.Equal(expected.Evaluation, actual.Evaluation);
        Assert.NotEqual(expected.History[0].LearningRate, expected.History[^1].LearningRate);
    }

    [Fact]
    public async Task RunAsync_ProducerFault_SurfacesAsExceptionNotHang()
    {
        var split = SyntheticDigits.Split();
        using var folder = RunDirectory.Open(Path.Combine(_root, "fault"));
        var failing = new SyntheticDigits.FakeBatchSource((classes, skip, token) =>
        {
            var channel = System.Threading.Channels.Channel.CreateBounded<PairBatch>(1);
            channel.Writer.TryComplete(new InvalidOperationException("producer for digit 3 failed"));
            return new SyntheticDigits.ChannelStream(channel.Reader);
        });

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Run(Recipe(), failing).RunAsync(split, Outputs(folder), null, CancellationToken.None));

        Assert.Contains("digit 3", e.Message);
    }

    [Fact]
    public async Task RunAsync_NaNInput_StopsNamingEpochAndStepAndKeepsLastGoodCheckpoint()
    {
        var split = SyntheticDigits.Split();
        using var folder = RunDirectory.Open(Path.Combine(_root, "nan"));
        var poisoned = SyntheticDigits.FakeStream(8, alter: (k, batch) =>
        {
            if (k == 15)
            {
                batch.Left.AsSpan().Fill(float.NaN);
            }

            return batch;
        });

        var e = await Assert.ThrowsAsync<NonFiniteLossException>(() => Run(Recipe(), poisoned).RunAsync(split, Outputs(folder), null, CancellationToken.None));

        Assert.Contains("epoch 2, step 4", e.Message);
        var kept = Checkpoint.ReadProgress(folder.CheckpointPath);
        Assert.Equal((1, 0), (kept.CompletedEpochs, kept.StepInEpoch));
        using var trainer = new SiameseTrainer(new ModelOptions(), new TrainerSettings());
        Checkpoint.Restore(folder.CheckpointPath, trainer);
    }

    [Fact]
    public async Task RunAsync_TrainingStepFails_StopsWithTheErrorAndKeepsLastGoodCheckpoint()
    {
        var split = SyntheticDigits.Split();
        using var folder = RunDirectory.Open(Path.Combine(_root, "stepfault"));
        // Batch 14 carries images of the wrong size: the step itself throws.
        var broken = SyntheticDigits.FakeStream(8, alter: (k, batch) => k == 14 ? new PairBatch(8, 10) { Count = 8 } : batch);

        await Assert.ThrowsAsync<ArgumentException>(() => Run(Recipe(), broken).RunAsync(split, Outputs(folder), null, CancellationToken.None));

        var kept = Checkpoint.ReadProgress(folder.CheckpointPath);
        Assert.Equal((1, 0), (kept.CompletedEpochs, kept.StepInEpoch));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp-*"));
    }

    [Fact]
    public async Task RunAsync_RealPipelineOnSyntheticDigits_Trains()
    {
        var split = SyntheticDigits.Split();
        using var folder = RunDirectory.Open(Path.Combine(_root, "pipeline"));
        var run = Run(Recipe(epochs: 2), new PipelineBatchSource(Options.Create(new PipelineOptions { BatchSize = 8 })), testPairs: 100);

        var result = await run.RunAsync(split, Outputs(folder), null, CancellationToken.None);

        Assert.Equal(2, result.History.Count);
        Assert.All(result.History, h => Assert.True(double.IsFinite(h.Loss)));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
