using Siamese.Host.Configuration;
using Siamese.Host.Evaluation;
using Siamese.Model;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Training;

/// <summary>
/// <c>Evaluation:EveryEpoch</c>'s test-pair scoring on the second core while the next epoch trains: at an epoch's end
/// the weights are copied into a second network (one copy of the flat parameter buffer), which scores the test pairs on its own thread;
/// the trainer collects the result at the next epoch's end (or when the run ends or is interrupted), by which time it
/// is normally ready. The score is of exactly the epoch-end weights, and its <c>since_start</c> is when it was known.
/// </summary>
/// <remarks>
/// Scoring the 10,000 test pairs takes about 50 ms, a quarter of a <c>Fast</c> epoch, when done on the trainer's thread.
/// The copy is built before the trainer: its constructor seeds libtorch's generator, which the trainer's constructor
/// then seeds again, so the trainer starts exactly as it would without it.
/// </remarks>
internal sealed class EpochScorer : IDisposable
{
    private readonly SiameseTrainer _copy;
    private readonly Evaluator _evaluator;
    private readonly double _threshold;
    private readonly Func<double> _sinceStart;
    private Task<(double Accuracy, double SinceStart)>? _pending;
    private int _pendingEpoch;

    public EpochScorer(ModelOptions model, TrainerSettings settings, EvaluationOptions evaluation, double rescale, Func<double> sinceStart)
    {
        _copy = new SiameseTrainer(model, settings, Evaluator.ChunkSize);
        // Never cancelled: an interrupted run waits for the score (≈ 50 ms) and keeps it.
        _evaluator = new Evaluator(_copy, evaluation, rescale, CancellationToken.None);
        _threshold = evaluation.Threshold;
        _sinceStart = sinceStart;
    }

    /// <summary>Copies <paramref name="trainer"/>'s weights and starts scoring them as epoch <paramref name="epoch"/>'s; the previous score must have been collected.</summary>
    public void Start(SiameseTrainer trainer, int epoch, Task<PairSet> testPairs)
    {
        if (_pending is not null)
        {
            throw new InvalidOperationException($"Epoch {_pendingEpoch}'s score has not been collected.");
        }

        _copy.CopyWeightsFrom(trainer);
        _pendingEpoch = epoch;
        _pending = Task.Factory.StartNew(
            () => (_evaluator.Score(testPairs.GetAwaiter().GetResult(), _threshold), _sinceStart()),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    /// <summary>Waits for the score started last and returns it with its epoch; null when none is pending.</summary>
    public (int Epoch, double Accuracy, double SinceStart)? Collect()
    {
        if (_pending is not { } pending)
        {
            return null;
        }

        _pending = null;
        var (accuracy, sinceStart) = pending.GetAwaiter().GetResult();
        return (_pendingEpoch, accuracy, sinceStart);
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
}
