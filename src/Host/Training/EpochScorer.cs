using Microsoft.Extensions.Logging;
using Siamese.Host.Configuration;
using Siamese.Host.Evaluation;
using Siamese.Host.Runs;
using Siamese.Model;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Training;

/// <summary>
/// <c>Evaluation:EveryEpoch</c>: each epoch's test pair accuracy, scored on a copy of the epoch-end weights on its own
/// thread while the next epoch trains, and written into that epoch's history row when it is collected (at the next
/// epoch's end, or when the run ends, fails or is interrupted). The score is of exactly the epoch-end weights, and
/// its <c>since_start</c> is when it was known.
/// </summary>
/// <remarks>The protocol: <see cref="Resumed"/> once after the trainer is restored, then per epoch <see cref="Collect"/>
/// (the previous epoch's score) before the epoch's record is written and <see cref="Start"/> after it.</remarks>
internal sealed partial class EpochScorer : IDisposable
{
    private readonly SiameseModel _copy;
    private readonly Evaluator _evaluator;
    private readonly Task<PairSet> _testPairs;
    private readonly double _threshold;
    private readonly RunOutputs _outputs;
    private readonly Func<double> _sinceStart;
    private readonly ILogger _logger;
    private Task<(double Accuracy, double SinceStart)>? _pending;
    private int _pendingEpoch;

    public EpochScorer(ModelOptions model, EvaluationOptions evaluation, Task<PairSet> testPairs, RunOutputs outputs, Func<double> sinceStart, ILogger logger)
    {
        _copy = SiameseModel.Untrained(model);

        // Never cancelled: an interrupted run waits for the score, which takes a fraction of an epoch, and keeps it.
        _evaluator = new Evaluator(_copy, evaluation, CancellationToken.None);
        _testPairs = testPairs;
        _threshold = evaluation.Threshold;
        _outputs = outputs;
        _sinceStart = sinceStart;
        _logger = logger;
    }

    /// <summary>
    /// After a resume from an epoch-end checkpoint written before that epoch's score was known, scores the restored
    /// weights, which are that epoch's.
    /// </summary>
    public void Resumed(SiameseTrainer trainer, TrainingProgress progress)
    {
        if (progress.StepInEpoch == 0 && progress.History.Count > 0 && double.IsNaN(progress.History[^1].TestAcc))
        {
            Start(trainer, progress.CompletedEpochs);
        }
    }

    /// <summary>Copies <paramref name="trainer"/>'s weights and starts scoring them as epoch <paramref name="epoch"/>'s; the previous score must have been collected.</summary>
    public void Start(SiameseTrainer trainer, int epoch)
    {
        if (_pending is not null)
        {
            throw new InvalidOperationException($"Epoch {_pendingEpoch}'s score has not been collected.");
        }

        _copy.CopyWeightsFrom(trainer);
        _pendingEpoch = epoch;
        _pending = Task.Factory.StartNew(
            () => (_evaluator.Score(_testPairs.GetAwaiter().GetResult(), _threshold), _sinceStart()),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    /// <summary>Waits for the pending score, if any, and puts it into its epoch's history row, TensorBoard and the log.</summary>
    /// <returns>Whether a history row changed.</returns>
    public bool Collect(TrainingProgress progress)
    {
        if (_pending is not { } pending)
        {
            return false;
        }

        _pending = null;
        var (accuracy, sinceStart) = pending.GetAwaiter().GetResult();
        int row = progress.History.FindLastIndex(h => h.Epoch == _pendingEpoch);
        progress.History[row] = progress.History[row] with { TestAcc = accuracy, SinceStart = sinceStart };
        _outputs.TestScored(_pendingEpoch, accuracy);
        LogTestAccuracy(_pendingEpoch, accuracy, sinceStart);
        return true;
    }

    /// <summary><see cref="Collect"/> on a path that is already ending the run: a failed score is logged, not thrown over the reason the run ends.</summary>
    public bool TryCollect(TrainingProgress progress)
    {
        try
        {
            return Collect(progress);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogTestScoreLost(e.Message);
            return false;
        }
    }

    /// <summary>Waits for a pending score (its result or error is dropped: the run is already failing), then frees the copy.</summary>
    public void Dispose()
    {
        try
        {
            _pending?.Wait();
        }
        catch (AggregateException)
        {
            // Reported by the failure that ends the run, or lost with it.
        }

        _copy.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Epoch {Epoch}: test pair accuracy {TestAccuracy:F4}, {SinceStart:F1} s since start")]
    private partial void LogTestAccuracy(int epoch, double testAccuracy, double sinceStart);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The last epoch's test pair score was lost: {Reason}")]
    private partial void LogTestScoreLost(string reason);
}
