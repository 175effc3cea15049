using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Siamese.Model;
using Siamese.Pipeline;
using Siamese.Pipeline.Data;

namespace Siamese.Host;

/// <summary>
/// The trainer consumer with Keras <c>fit_generator</c> semantics: epochs of <c>StepsPerEpoch</c> batches from
/// the training stream, then <c>ValidationSteps</c> fixed validation batches, a log line, a history row and an
/// atomic checkpoint per epoch; at the end the weights, exports and the test evaluation.
/// All tensor work happens on one dedicated thread, which blocks on the batch channel.
/// </summary>
public sealed partial class TrainingRun
{
    public const string WeightsName = "model.bin";
    public const string ModelOptionsName = "model.json";

    private readonly PipelineOptions _pipeline;
    private readonly ModelOptions _model;
    private readonly TrainingOptions _training;
    private readonly EvaluationOptions _evaluation;
    private readonly TelemetryOptions _telemetry;
    private readonly OutputOptions _output;
    private readonly ILogger<TrainingRun> _logger;
    private readonly TrainingStreamFactory _streams;

    public TrainingRun(
        IOptions<PipelineOptions> pipeline,
        IOptions<ModelOptions> model,
        IOptions<TrainingOptions> training,
        IOptions<EvaluationOptions> evaluation,
        IOptions<TelemetryOptions> telemetry,
        IOptions<OutputOptions> output,
        ILogger<TrainingRun> logger)
        : this(pipeline, model, training, evaluation, telemetry, output, logger, null)
    {
    }

    /// <param name="streams">Where training batches come from; by default the producer → pairing pipeline over the training split.</param>
    internal TrainingRun(
        IOptions<PipelineOptions> pipeline,
        IOptions<ModelOptions> model,
        IOptions<TrainingOptions> training,
        IOptions<EvaluationOptions> evaluation,
        IOptions<TelemetryOptions> telemetry,
        IOptions<OutputOptions> output,
        ILogger<TrainingRun> logger,
        TrainingStreamFactory? streams)
    {
        _telemetry = telemetry.Value;
        _output = output.Value;
        _pipeline = pipeline.Value;
        _model = model.Value;
        _training = training.Value;
        _evaluation = evaluation.Value;
        _logger = logger;
        _streams = streams ?? ((classes, skip, token) =>
        {
            var stream = PairStream.Start(classes, _pipeline, StreamSettings.Training(_pipeline), skip, token);
            return new TrainingStream(stream.Batches, stream.Pool.Return, stream.DisposeAsync, stream.DescribeQueues);
        });
    }

    /// <summary>Trains to the end, or until <paramref name="cancellationToken"/> fires (then a checkpoint of the exact position is written and <see cref="OperationCanceledException"/> is thrown).</summary>
    public async Task<TrainingResult> RunAsync(DatasetSplit split, RunDirectory run, CancellationToken cancellationToken)
    {
        var resume = string.IsNullOrWhiteSpace(_training.ResumeFrom) ? null : Checkpoint.Resolve(_training.ResumeFrom);
        var validation = ValidationPairs.From(await PairStream.TakeAsync(split.Validation, _pipeline, StreamSettings.Validation(_pipeline), _training.ValidationSteps, cancellationToken).ConfigureAwait(false));
        var done = new TaskCompletionSource<TrainingResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                done.SetResult(Train(split, run, validation, resume, cancellationToken));
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
        return await done.Task.ConfigureAwait(false);
    }

    private TrainingResult Train(DatasetSplit split, RunDirectory run, ValidationPairs validation, string? resume, CancellationToken cancellationToken)
    {
        int batchSize = _pipeline.BatchSize;
        using var trainer = new SiameseTrainer(_model, new TrainerSettings
        {
            LearningRate = _training.LearningRate,
            Rho = _training.Rho,
            Epsilon = _training.Epsilon,
            Seed = _training.Seed,
            TorchThreads = _training.TorchThreads,
            MaxBatch = Math.Max(batchSize, Evaluator.ChunkSize),
        });

        var state = resume is null ? Fresh() : Checkpoint.Restore(resume, trainer);
        if (resume is not null)
        {
            LogResumed(resume, state.CompletedEpochs, state.StepInEpoch, state.BatchesConsumed);
        }

        var history = state.History.ToList();
        var evaluator = new Evaluator(trainer, _evaluation, _pipeline.Augmentation.Rescale);
        var testPairs = evaluator.TestPairs(split.Test);
        var tensorBoard = _output.TensorBoard ? new TensorBoardLog(run.File("tensorboard")) : null;
        long consumed = state.BatchesConsumed;
        int epoch = state.CompletedEpochs;
        int step = state.StepInEpoch;
        double lossSum = state.EpochLossSum;
        long correct = state.EpochCorrect;
        long pairs = state.EpochPairs;
        double priorSeconds = state.EpochSeconds;
        var clock = Stopwatch.StartNew();
        long waitTicks = 0;

        CheckpointInfo Position() => new(epoch, step, consumed, lossSum, correct, pairs, priorSeconds + clock.Elapsed.TotalSeconds, history, _model, DateTimeOffset.UtcNow);

        var stream = _streams(split.Train, consumed, cancellationToken);
        using var telemetry = new TrainingTelemetry(_logger, TimeSpan.FromSeconds(_telemetry.LogInterval));
        telemetry.WatchQueues(stream.DescribeQueues);
        try
        {
            for (; epoch < _training.Epochs; epoch++)
            {
                for (; step < _training.StepsPerEpoch; step++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    long waitStart = Stopwatch.GetTimestamp();
                    var batch = Read(stream.Batches, cancellationToken);
                    long stepStart = Stopwatch.GetTimestamp();
                    waitTicks += stepStart - waitStart;
                    telemetry.RecordWait(stepStart - waitStart);
                    StepResult result;
                    try
                    {
                        int n = batch.Count;
                        result = trainer.TrainStep(batch.Left.AsSpan(0, n * batch.ImageSize), batch.Right.AsSpan(0, n * batch.ImageSize), batch.Labels.AsSpan(0, n));
                    }
                    finally
                    {
                        stream.Return(batch);
                    }

                    telemetry.RecordStep(Stopwatch.GetTimestamp() - stepStart, result.Count);

                    consumed++;
                    if (!double.IsFinite(result.Loss))
                    {
                        throw new NonFiniteLossException(epoch + 1, step + 1, result.Loss);
                    }

                    lossSum += result.Loss * result.Count;
                    correct += result.Correct;
                    pairs += result.Count;
                }

                cancellationToken.ThrowIfCancellationRequested();
                var (valLoss, valAcc) = validation.Evaluate(trainer);
                double seconds = priorSeconds + clock.Elapsed.TotalSeconds;
                double testAcc = _evaluation.EveryEpoch ? evaluator.Score(testPairs, _evaluation.Threshold) : double.NaN;
                var record = new EpochRecord(epoch + 1, lossSum / pairs, (double)correct / pairs, valLoss, valAcc, _training.LearningRate, seconds, pairs / seconds, testAcc, SinceProcessStart());
                history.Add(record);
                if (_evaluation.EveryEpoch)
                {
                    LogTestAccuracy(record.Epoch, testAcc, record.SinceStart);
                }

                WriteTensorBoard(tensorBoard, record);

                LogEpoch(record.Epoch, _training.Epochs, record.Loss, record.Acc, record.ValLoss, record.ValAcc, record.PairsPerSecond, record.Seconds, 100.0 * Stopwatch.GetElapsedTime(0, waitTicks).TotalSeconds / Math.Max(clock.Elapsed.TotalSeconds, 1e-9));

                step = 0;
                lossSum = 0;
                correct = 0;
                pairs = 0;
                priorSeconds = 0;
                waitTicks = 0;
                clock.Restart();
                var completed = Position() with { CompletedEpochs = epoch + 1, EpochSeconds = 0 };
                Checkpoint.Save(run, completed, trainer);
                WriteHistory(run, history);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Checkpoint.Save(run, Position(), trainer);
            WriteHistory(run, history);
            DrawHistory(run, history);
            LogInterruptedSaved(run.CheckpointPath, epoch + 1, step);
            throw;
        }
        finally
        {
            stream.Stop().AsTask().GetAwaiter().GetResult();
            telemetry.LogSummary();
        }

        DrawHistory(run, history);
        trainer.SaveWeights(run.File(WeightsName));
        run.WriteJson(ModelOptionsName, _model);
        trainer.ExportPyTorch(run.File("model.pt"));
        trainer.ExportSafetensors(run.File("model.safetensors"));
        var evaluation = evaluator.Evaluate(testPairs);
        run.WriteJson("evaluation.json", evaluation);
        LogEvaluation(evaluation.Pairs, evaluation.Threshold, evaluation.Accuracy, evaluation.RocAuc);
        return new TrainingResult(history, evaluation);
    }

    private static double SinceProcessStart()
    {
        using var process = Process.GetCurrentProcess();
        return (DateTime.Now - process.StartTime).TotalSeconds;
    }

    private CheckpointInfo Fresh() => new(0, 0, 0, 0, 0, 0, 0, [], _model, DateTimeOffset.UtcNow);

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

    private static void WriteHistory(RunDirectory run, IReadOnlyList<EpochRecord> history)
    {
        run.WriteAllText("history.csv", EpochRecord.ToCsv(history));
        run.WriteJson("history.json", history);
    }

    private static void WriteTensorBoard(TensorBoardLog? log, EpochRecord record)
    {
        if (log is null)
        {
            return;
        }

        log.Scalar("loss/train", record.Loss, record.Epoch);
        log.Scalar("loss/validation", record.ValLoss, record.Epoch);
        log.Scalar("accuracy/train", record.Acc, record.Epoch);
        log.Scalar("accuracy/validation", record.ValAcc, record.Epoch);
        log.Scalar("accuracy/test", record.TestAcc, record.Epoch);
        log.Scalar("throughput/pairs_per_second", record.PairsPerSecond, record.Epoch);
    }

    /// <summary>The history plot, drawn when a run ends (finished or interrupted): ~35 ms, too slow for every epoch on the trainer thread.</summary>
    private static void DrawHistory(RunDirectory run, IReadOnlyList<EpochRecord> history)
    {
        if (history.Count > 0)
        {
            Plots.HistoryPlot.Save(history, run.File("history.png"));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Epoch {Epoch}/{Epochs} - loss: {Loss:F4} - acc: {Acc:F4} - val_loss: {ValLoss:F4} - val_acc: {ValAcc:F4} - {PairsPerSecond:F0} pairs/s - {Seconds:F2}s - trainer idle {IdlePercent:F1}%")]
    private partial void LogEpoch(int epoch, int epochs, double loss, double acc, double valLoss, double valAcc, double pairsPerSecond, double seconds, double idlePercent);

    [LoggerMessage(Level = LogLevel.Information, Message = "Epoch {Epoch}: test pair accuracy {TestAccuracy:F4}, {SinceStart:F1} s since start")]
    private partial void LogTestAccuracy(int epoch, double testAccuracy, double sinceStart);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming from {Checkpoint}: {CompletedEpochs} epochs done, step {Step} of the next, {Batches} batches consumed")]
    private partial void LogResumed(string checkpoint, int completedEpochs, int step, long batches);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interrupted in epoch {Epoch} after step {Step}; checkpoint saved to {Checkpoint}")]
    private partial void LogInterruptedSaved(string checkpoint, int epoch, int step);

    [LoggerMessage(Level = LogLevel.Information, Message = "Test evaluation on {Pairs} balanced pairs: accuracy at {Threshold} = {Accuracy:F4}, ROC AUC = {RocAuc:F4}")]
    private partial void LogEvaluation(int pairs, double threshold, double accuracy, double rocAuc);
}

/// <summary>
/// The fixed validation batches in one contiguous buffer, so each epoch validates in one call. The loss is the
/// mean over all pairs, which equals Keras's mean of per-batch means since every batch has the same size.
/// </summary>
internal sealed class ValidationPairs
{
    private readonly float[] _left;
    private readonly float[] _right;
    private readonly float[] _labels;

    private ValidationPairs(float[] left, float[] right, float[] labels)
    {
        _left = left;
        _right = right;
        _labels = labels;
    }

    public static ValidationPairs From(IReadOnlyList<PairBatch> batches)
    {
        int pairs = batches.Sum(b => b.Count);
        int size = batches.Count == 0 ? 0 : batches[0].ImageSize;
        var left = new float[pairs * size];
        var right = new float[pairs * size];
        var labels = new float[pairs];
        int at = 0;
        foreach (var batch in batches)
        {
            batch.Left.AsSpan(0, batch.Count * size).CopyTo(left.AsSpan(at * size));
            batch.Right.AsSpan(0, batch.Count * size).CopyTo(right.AsSpan(at * size));
            batch.Labels.AsSpan(0, batch.Count).CopyTo(labels.AsSpan(at));
            at += batch.Count;
        }

        return new ValidationPairs(left, right, labels);
    }

    public (double Loss, double Accuracy) Evaluate(SiameseTrainer trainer)
    {
        if (_labels.Length == 0)
        {
            return (double.NaN, double.NaN);
        }

        var result = trainer.Evaluate(_left, _right, _labels);
        return (result.Loss, result.Accuracy);
    }
}

/// <summary>A running source of training batches, positioned at the batch index it was started with.</summary>
/// <param name="DescribeQueues">The queue depths for the periodic telemetry line, when the stream has queues.</param>
internal sealed record TrainingStream(ChannelReader<PairBatch> Batches, Action<PairBatch> Return, Func<ValueTask> Stop, Func<string>? DescribeQueues = null);

/// <summary>Starts a <see cref="TrainingStream"/> over the training classes that skips the first <c>skipBatches</c> batches.</summary>
internal delegate TrainingStream TrainingStreamFactory(IReadOnlyList<DigitSet> classes, long skipBatches, CancellationToken cancellationToken);

public sealed record TrainingResult(IReadOnlyList<EpochRecord> History, EvaluationResult Evaluation);

/// <summary>The loss became NaN or infinite: the run stops, keeping the last good epoch's checkpoint.</summary>
public sealed class NonFiniteLossException(int epoch, int step, double loss)
    : Exception($"Loss became {loss} in epoch {epoch}, step {step}; the last completed epoch's checkpoint is kept. Lower Training:LearningRate or check the data.");
