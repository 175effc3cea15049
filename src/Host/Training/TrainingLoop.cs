using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Siamese.Host.Configuration;
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
internal sealed partial class TrainingLoop(
    IBatchSource batches,
    IOptions<PipelineOptions> pipeline,
    IOptions<ModelOptions> model,
    IOptions<TrainerSettings> trainerSettings,
    IOptions<TrainingOptions> training,
    IOptions<EvaluationOptions> evaluation,
    IOptions<TelemetryOptions> telemetry,
    ILogger<TrainingLoop> logger)
{
    private readonly PipelineOptions _pipeline = pipeline.Value;
    private readonly TrainingOptions _training = training.Value;
    private readonly EvaluationOptions _evaluation = evaluation.Value;

    /// <summary>Trains to the end, or until <paramref name="cancellationToken"/> fires (then a checkpoint of the exact position is written and <see cref="OperationCanceledException"/> is thrown).</summary>
    public async Task<TrainingResult> RunAsync(DatasetSplit split, RunOutputs outputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(split);
        var resume = string.IsNullOrWhiteSpace(_training.ResumeFrom) ? null : Checkpoint.Resolve(_training.ResumeFrom);
        RunPreconditions.CheckData(split, model.Value, _training.ValidationSteps);

        // The validation set and the test pairs are made while training starts: the first epoch's end needs them.
        var validation = ValidationSet.Start(split.Validation, _pipeline, _training.ValidationSteps, cancellationToken);
        return await TrainerThread.Run(() => Train(split, outputs, validation, resume, cancellationToken)).ConfigureAwait(false);
    }

    private TrainingResult Train(DatasetSplit split, RunOutputs outputs, ValidationSet validation, string? resume, CancellationToken cancellationToken)
    {
        // The constructor seeds libtorch's generator with Training:Seed; the epoch scorer's copy leaves it alone.
        using var trainer = new SiameseTrainer(model.Value, trainerSettings.Value, Math.Max(_pipeline.BatchSize, SiameseModel.ChunkImagesFor(model.Value) / 2));
        var progress = resume is null ? new TrainingProgress() : Resume(resume, trainer);
        var testPairs = Task.Run(() => PairSet.CreateBalanced(split.Test, _evaluation.TestPairs, _evaluation.Seed), cancellationToken);
        using var scorer = _evaluation.EveryEpoch ? new EpochScorer(model.Value, _evaluation, testPairs, outputs, SinceProcessStart, logger) : null;
        scorer?.Resumed(trainer, progress);
        var schedule = new LearningRateSchedule(_training.Schedule, trainerSettings.Value.LearningRate, (long)_training.Epochs * _training.StepsPerEpoch, _training.WarmupFraction);

        var stream = batches.Start(split.Train, progress.BatchesConsumed, cancellationToken);
        using var meter = new TrainingTelemetry(logger, TimeSpan.FromSeconds(telemetry.Value.LogInterval), stream.DescribeQueues);
        var epochClock = Stopwatch.StartNew();
        try
        {
            while (progress.CompletedEpochs < _training.Epochs)
            {
                while (progress.StepInEpoch < _training.StepsPerEpoch)
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
            progress.EpochSeconds += epochClock.Elapsed.TotalSeconds;
            scorer?.TryCollect(progress);
            outputs.SaveProgress(progress, trainer);
            outputs.DrawHistory(progress.History);
            LogInterruptedSaved(outputs.CheckpointPath, progress.CompletedEpochs + 1, progress.StepInEpoch);
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

        FailPoint.Reach("export", cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        outputs.DrawHistory(progress.History);
        outputs.SaveModel(trainer);
        FailPoint.Reach("evaluation", cancellationToken);
        var evaluator = new Evaluator(trainer.Model, _evaluation, cancellationToken);
        var result = evaluator.Evaluate(testPairs.WaitAsync(cancellationToken).GetAwaiter().GetResult());
        outputs.SaveEvaluation(result);
        LogEvaluation(result.Pairs, result.Threshold, result.Accuracy, result.RocAuc);
        return new TrainingResult(progress.History, result);
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
            var result = trainer.TrainStep(batch.Left.AsSpan(0, n * batch.ImageSize), batch.Right.AsSpan(0, n * batch.ImageSize), batch.Labels.AsSpan(0, n));
            meter.RecordStep(Stopwatch.GetTimestamp() - stepStart, result.Count);
            return result;
        }
        finally
        {
            stream.Return(batch);
        }
    }

    /// <summary>Validates, logs the epoch and closes it in <paramref name="progress"/>; the test pairs are scored by <see cref="EpochScorer"/>.</summary>
    private EpochRecord EndEpoch(SiameseTrainer trainer, TrainingProgress progress, ValidationPairs validation, Stopwatch epochClock, TrainingTelemetry meter)
    {
        var (valLoss, valAcc) = validation.Evaluate(trainer);
        double seconds = progress.EpochSeconds + epochClock.Elapsed.TotalSeconds;
        var record = progress.CompleteEpoch(new EpochRecord(0, 0, 0, valLoss, valAcc, trainer.LearningRate, seconds, progress.EpochPairs / seconds, double.NaN, SinceProcessStart()));
        LogEpoch(record.Epoch, _training.Epochs, record.Loss, record.Acc, record.ValLoss, record.ValAcc, record.PairsPerSecond, record.Seconds, meter.EpochIdlePercent(epochClock.Elapsed.TotalSeconds));
        return record;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming from {Checkpoint}: {CompletedEpochs} epochs done, step {Step} of the next, {Batches} batches consumed")]
    private partial void LogResumed(string checkpoint, int completedEpochs, int step, long batches);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interrupted in epoch {Epoch} after step {Step}; checkpoint saved to {Checkpoint}")]
    private partial void LogInterruptedSaved(string checkpoint, int epoch, int step);

    [LoggerMessage(Level = LogLevel.Information, Message = "Test evaluation on {Pairs} balanced pairs: accuracy at {Threshold} = {Accuracy:F4}, ROC AUC = {RocAuc:F4}")]
    private partial void LogEvaluation(int pairs, double threshold, double accuracy, double rocAuc);
}

internal sealed record TrainingResult(IReadOnlyList<EpochRecord> History, EvaluationResult Evaluation);

/// <summary>Runs the trainer's work on its own long-running thread: libtorch's dispose scopes are per thread, and the thread blocks on the batch channel.</summary>
internal static class TrainerThread
{
    public static Task<T> Run<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            Name = "trainer",
            IsBackground = true,
        };
        thread.Start();
        return done.Task;
    }
}
