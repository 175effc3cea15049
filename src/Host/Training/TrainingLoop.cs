using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Siamese.Host.Evaluation;
using Siamese.Host.Runs;
using Siamese.Model;
using Siamese.Pipeline;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Training;

/// <summary>
/// The trainer consumer with Keras <c>fit_generator</c> semantics: epochs of <c>StepsPerEpoch</c> batches from the
/// training stream, then <c>ValidationSteps</c> fixed validation batches, a log line, a history row and an atomic
/// checkpoint per epoch; at the end the weights, exports and the test evaluation. All tensor work happens on one
/// dedicated thread, which blocks on the batch channel.
/// </summary>
internal sealed partial class TrainingLoop(IBatchSource batches, RunSettings settings, ILogger<TrainingLoop> logger)
{
    /// <summary>Checks that <paramref name="split"/> can feed a run and reads the official one-shot runs, before anything is written.</summary>
    /// <exception cref="UserInputException">The split cannot feed a run; the message names the setting.</exception>
    public TrainingInputs Prepare(DatasetSplit split, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(split);
        RunPreconditions.CheckData(split, settings.Model, settings.Training.ValidationSteps);
        var officialRuns = string.IsNullOrWhiteSpace(settings.Evaluation.OneShotRuns) ? null : OneShotRunsScorer.Read(settings.Evaluation.OneShotRuns, settings.Model, cancellationToken);
        return new TrainingInputs(split, officialRuns);
    }

    /// <summary><see cref="Prepare"/>, then <see cref="RunAsync(TrainingInputs, RunOutputs, string?, CancellationToken)"/>.</summary>
    public Task<TrainingResult> RunAsync(DatasetSplit split, RunOutputs outputs, string? resume, CancellationToken cancellationToken) =>
        RunAsync(Prepare(split, cancellationToken), outputs, resume, cancellationToken);

    /// <summary>Trains to the end, or until <paramref name="cancellationToken"/> fires (then a checkpoint of the exact position is written and <see cref="OperationCanceledException"/> is thrown).</summary>
    /// <param name="resume">The checkpoint to continue from, or null for a new run.</param>
    public async Task<TrainingResult> RunAsync(TrainingInputs inputs, RunOutputs outputs, string? resume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);

        // The validation set is taken while training starts: the first epoch's end needs it.
        var validation = ValidationSet.Start(inputs.Split.Validation, settings.Pipeline, settings.Training.ValidationSteps, cancellationToken);
        return await TrainerThread.Run(() => Train(inputs.Split, outputs, validation, resume, inputs.OfficialRuns, cancellationToken)).ConfigureAwait(false);
    }

    private TrainingResult Train(DatasetSplit split, RunOutputs outputs, ValidationSet validation, string? resume, OneShotRunSet? officialRuns, CancellationToken cancellationToken)
    {
        var training = settings.Training;
        var model = settings.Model.WithClasses(split.Train.Select(c => c.Name));

        // The trainer seeds libtorch's generator with Training:Seed before drawing the initial weights; a resume then
        // restores the generators' state with the rest of the checkpoint.
        using var trainer = new SiameseTrainer(model, settings.Trainer, Math.Max(settings.Pipeline.BatchSize, SiameseModel.ChunkImagesFor(model) / 2), [.. split.Train.Select(c => c.Label)]);
        var progress = resume is null ? new TrainingProgress() : Resume(resume, trainer);
        var testPairs = split.Test.Count == 0 ? null : Task.Run(() => PairSet.CreateBalanced(split.Test, settings.Evaluation.TestPairs, settings.Evaluation.Seed), cancellationToken);
        using var scorer = settings.Evaluation.EveryEpoch && testPairs is not null ? new EpochScorer(model, settings.Evaluation, testPairs, outputs, SinceProcessStart, logger) : null;
        scorer?.Resumed(trainer, progress);
        var schedule = new LearningRateSchedule(training.Schedule, settings.Trainer.LearningRate, (long)training.Epochs * training.StepsPerEpoch, training.WarmupFraction);

        var stream = batches.Start(split.Train, progress.BatchesConsumed, cancellationToken);
        using var meter = new TrainingTelemetry(logger, TimeSpan.FromSeconds(settings.Telemetry.LogInterval), stream.DescribeQueues);
        var epochClock = Stopwatch.StartNew();
        try
        {
            while (progress.CompletedEpochs < training.Epochs)
            {
                while (progress.StepInEpoch < training.StepsPerEpoch)
                {
                    FailPoint.Reach("step", cancellationToken);
                    trainer.LearningRate = schedule.At(progress.BatchesConsumed);
                    progress.Add(Step(trainer, stream, meter, cancellationToken));
                }

                FailPoint.Reach("validation", cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                scorer?.Collect(progress);
                outputs.EpochEnded(EndEpoch(trainer, progress, validation.ForEpoch(progress.CompletedEpochs, cancellationToken), epochClock, meter));
                scorer?.Start(trainer, progress.CompletedEpochs);
                epochClock.Restart();
                meter.StartEpoch();
                outputs.SaveProgress(progress, trainer);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            SaveInterrupted(trainer, progress, scorer, outputs, epochClock);
            throw;
        }
        catch (Exception) when (scorer is not null)
        {
            // The run fails mid-epoch and keeps its last epoch-end checkpoint; the history files still get that epoch's score.
            if (scorer.TryCollect(progress))
            {
                outputs.WriteHistory(progress.History);
            }

            throw;
        }
        finally
        {
            stream.DisposeAsync().AsTask().GetAwaiter().GetResult();
            meter.LogSummary();
        }

        if (scorer?.Collect(progress) == true)
        {
            outputs.SaveProgress(progress, trainer);
        }

        return Finish(trainer, progress, outputs, testPairs, cancellationToken) with { OneShotRuns = ScoreOneShotRuns(trainer, outputs, officialRuns, cancellationToken) };
    }

    private TrainingProgress Resume(string checkpoint, SiameseTrainer trainer)
    {
        var progress = Checkpoint.Restore(checkpoint, trainer).Progress;
        LogResumed(checkpoint, progress.CompletedEpochs, progress.StepInEpoch, progress.BatchesConsumed);
        return progress;
    }

    /// <summary>Takes the next batch (waiting for it if need be), steps on it and hands it back.</summary>
    private static StepResult Step(SiameseTrainer trainer, IBatchStream stream, TrainingTelemetry meter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        long waitStart = Stopwatch.GetTimestamp();
        var batch = Read(stream.Batches, cancellationToken);
        long stepStart = Stopwatch.GetTimestamp();
        meter.RecordWait(stepStart - waitStart);
        try
        {
            int n = batch.Count;
            var result = trainer.TrainStep(batch.Left.AsSpan(0, n * batch.ImageSize), batch.Right.AsSpan(0, n * batch.ImageSize), batch.Labels.AsSpan(0, n), batch.LeftClasses.AsSpan(0, n), batch.RightClasses.AsSpan(0, n));
            meter.RecordStep(Stopwatch.GetTimestamp() - stepStart, result.Count);
            return result;
        }
        finally
        {
            stream.Return(batch);
        }
    }

    /// <summary>Validates, closes the epoch in <paramref name="progress"/> and logs it; the test pairs are scored by <see cref="EpochScorer"/>.</summary>
    private EpochRecord EndEpoch(SiameseTrainer trainer, TrainingProgress progress, ValidationPairs validation, Stopwatch epochClock, TrainingTelemetry meter)
    {
        var (valLoss, valAcc) = validation.Evaluate(trainer);
        double seconds = progress.EpochSeconds + epochClock.Elapsed.TotalSeconds;
        var record = progress.CompleteEpoch(valLoss, valAcc, trainer.LearningRate, seconds, SinceProcessStart());
        if (settings.Training.ValidationSteps > 0)
        {
            LogEpoch(record.Epoch, settings.Training.Epochs, record.Loss, record.Acc, record.ValLoss, record.ValAcc, record.PairsPerSecond, record.Seconds, meter.EpochIdlePercent(epochClock.Elapsed.TotalSeconds));
        }
        else
        {
            // As Keras prints an epoch without validation data: no val_ columns.
            LogEpochWithoutValidation(record.Epoch, settings.Training.Epochs, record.Loss, record.Acc, record.PairsPerSecond, record.Seconds, meter.EpochIdlePercent(epochClock.Elapsed.TotalSeconds));
        }
        return record;
    }

    /// <summary>The checkpoint of the exact position (with a pending test score, if it can be had) and the history plot.</summary>
    private void SaveInterrupted(SiameseTrainer trainer, TrainingProgress progress, EpochScorer? scorer, RunOutputs outputs, Stopwatch epochClock)
    {
        progress.EpochSeconds += epochClock.Elapsed.TotalSeconds;
        scorer?.TryCollect(progress);
        outputs.SaveProgress(progress, trainer);
        outputs.DrawHistory(progress.History);
        LogInterruptedSaved(outputs.CheckpointPath, progress.CompletedEpochs + 1, progress.StepInEpoch);
    }

    /// <summary>The history plot, the model files and the test evaluation of the trained weights.</summary>
    private TrainingResult Finish(SiameseTrainer trainer, TrainingProgress progress, RunOutputs outputs, Task<PairSet>? testPairs, CancellationToken cancellationToken)
    {
        FailPoint.Reach("export", cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        outputs.DrawHistory(progress.History);
        outputs.SaveModel(trainer);
        FailPoint.Reach("evaluation", cancellationToken);
        if (testPairs is null)
        {
            LogNoTest();
            return new TrainingResult(progress.History, null);
        }

        var evaluator = new Evaluator(trainer.Model, settings.Evaluation, cancellationToken);
        var result = evaluator.Evaluate(testPairs.WaitAsync(cancellationToken).GetAwaiter().GetResult());
        outputs.SaveEvaluation(result);
        LogEvaluation(result.Pairs, result.Threshold, result.Accuracy, result.RocAuc);
        return new TrainingResult(progress.History, result);
    }

    /// <summary>The final weights on <c>Evaluation:OneShotRuns</c>, as the <c>one-shot-runs</c> verb scores them.</summary>
    private OneShotRunsReport? ScoreOneShotRuns(SiameseTrainer trainer, RunOutputs outputs, OneShotRunSet? runs, CancellationToken cancellationToken)
    {
        if (runs is null)
        {
            return null;
        }

        var report = OneShotRunsScorer.Score(trainer.Model, runs, trainer.Model.Source, cancellationToken);
        outputs.SaveOneShotRuns(report, runs);
        OneShotRunsScorer.Log(logger, report);
        return report;
    }

    private static double SinceProcessStart()
    {
        using var process = Process.GetCurrentProcess();
        return (DateTime.Now - process.StartTime).TotalSeconds;
    }

    private static PairBatch Read(ChannelReader<PairBatch> reader, CancellationToken cancellationToken)
    {
        PairBatch? batch;
        while (!reader.TryRead(out batch))
        {
            var ready = reader.WaitToReadAsync(cancellationToken);
            if (!(ready.IsCompleted ? ready.Result : ready.AsTask().GetAwaiter().GetResult()))
            {
                throw new InvalidOperationException("The training stream ended unexpectedly.");
            }
        }

        return batch;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Epoch {Epoch}/{Epochs} - loss: {Loss:F4} - acc: {Acc:F4} - val_loss: {ValLoss:F4} - val_acc: {ValAcc:F4} - {PairsPerSecond:F0} pairs/s - {Seconds:F2}s - trainer idle {IdlePercent:F1}%")]
    private partial void LogEpoch(int epoch, int epochs, double loss, double acc, double valLoss, double valAcc, double pairsPerSecond, double seconds, double idlePercent);

    [LoggerMessage(Level = LogLevel.Information, Message = "Epoch {Epoch}/{Epochs} - loss: {Loss:F4} - acc: {Acc:F4} - {PairsPerSecond:F0} pairs/s - {Seconds:F2}s - trainer idle {IdlePercent:F1}%")]
    private partial void LogEpochWithoutValidation(int epoch, int epochs, double loss, double acc, double pairsPerSecond, double seconds, double idlePercent);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming from {Checkpoint}: {CompletedEpochs} epochs done, step {Step} of the next, {Batches} batches consumed")]
    private partial void LogResumed(string checkpoint, int completedEpochs, int step, long batches);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interrupted in epoch {Epoch} after step {Step}; checkpoint saved to {Checkpoint}")]
    private partial void LogInterruptedSaved(string checkpoint, int epoch, int step);

    [LoggerMessage(Level = LogLevel.Information, Message = "No test images (Data:TestFraction is 0): no test pair evaluation")]
    private partial void LogNoTest();

    [LoggerMessage(Level = LogLevel.Information, Message = "Test evaluation on {Pairs} balanced pairs: accuracy at {Threshold} = {Accuracy:F4}, ROC AUC = {RocAuc:F4}")]
    private partial void LogEvaluation(int pairs, double threshold, double accuracy, double rocAuc);
}

/// <param name="Evaluation">The test pairs' evaluation; null when the data has no test classes.</param>
internal sealed record TrainingResult(IReadOnlyList<EpochRecord> History, EvaluationResult? Evaluation)
{
    /// <summary>The final weights on <c>Evaluation:OneShotRuns</c>; null when none are configured.</summary>
    public OneShotRunsReport? OneShotRuns { get; init; }
}
