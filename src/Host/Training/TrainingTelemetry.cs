using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Siamese.Host.Training;

/// <summary>
/// The trainer's side of the <c>Siamese</c> meter (watch live with <c>dotnet-counters monitor -n Siamese.Host
/// --counters Siamese</c>): steps, pairs, step time and time spent waiting for a batch, plus a periodic log line
/// with pairs/s, queue depths and the trainer's idle share, and an end-of-run summary.
/// </summary>
internal sealed partial class TrainingTelemetry : IDisposable
{
    private readonly Meter _meter = new(Pipeline.Telemetry.MeterName);
    private readonly Counter<long> _pairs;
    private readonly Histogram<double> _stepTime;
    private readonly Histogram<double> _waitTime;
    private readonly ILogger _logger;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Timer? _timer;
    private readonly Func<string>? _queues;
    private long _totalPairs;
    private long _totalWaitTicks;
    private long _totalStepTicks;
    private long _epochWaitTicks;
    private long _lastPairs;
    private long _lastWaitTicks;
    private double _lastSeconds;

    /// <param name="describeQueues">The queue depths for the periodic line (e.g. batch channel and per-digit channel depths).</param>
    public TrainingTelemetry(ILogger logger, TimeSpan logInterval, Func<string>? describeQueues = null)
    {
        _logger = logger;
        _queues = describeQueues;
        _pairs = _meter.CreateCounter<long>("siamese.trainer.pairs", "{pair}", "Pairs the trainer has stepped on");
        _stepTime = _meter.CreateHistogram<double>("siamese.trainer.step.duration", "ms", "Time of one training step");
        _waitTime = _meter.CreateHistogram<double>("siamese.trainer.wait.duration", "ms", "Time the trainer waited for a batch");
        _meter.CreateObservableGauge("siamese.trainer.idle.ratio", () => IdleShare, "1", "Share of the run the trainer spent waiting for data");
        if (logInterval > TimeSpan.Zero)
        {
            _timer = new Timer(_ => LogPeriodic(), null, logInterval, logInterval);
        }
    }

    public long TotalPairs => Interlocked.Read(ref _totalPairs);

    /// <summary>Share of the time since start that the trainer spent waiting for batches.</summary>
    public double IdleShare => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _totalWaitTicks)).TotalSeconds / Math.Max(_clock.Elapsed.TotalSeconds, 1e-9);

    /// <summary>Share, in percent, of <paramref name="epochSeconds"/> the trainer spent waiting for batches since <see cref="StartEpoch"/>.</summary>
    public double EpochIdlePercent(double epochSeconds) => 100.0 * Stopwatch.GetElapsedTime(0, _epochWaitTicks).TotalSeconds / Math.Max(epochSeconds, 1e-9);

    public void StartEpoch() => _epochWaitTicks = 0;

    public void RecordWait(long ticks)
    {
        _epochWaitTicks += ticks;
        Interlocked.Add(ref _totalWaitTicks, ticks);
        _waitTime.Record(Stopwatch.GetElapsedTime(0, ticks).TotalMilliseconds);
    }

    public void RecordStep(long ticks, int pairs)
    {
        Interlocked.Add(ref _totalStepTicks, ticks);
        Interlocked.Add(ref _totalPairs, pairs);
        _pairs.Add(pairs);
        _stepTime.Record(Stopwatch.GetElapsedTime(0, ticks).TotalMilliseconds);
    }

    public void LogSummary()
    {
        double seconds = _clock.Elapsed.TotalSeconds;
        using var process = Process.GetCurrentProcess();
        LogRunSummary(TotalPairs, TotalPairs / Math.Max(seconds, 1e-9), 100 * IdleShare, seconds, process.PeakWorkingSet64 / (1024.0 * 1024.0));
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _meter.Dispose();
    }

    private void LogPeriodic()
    {
        double now = _clock.Elapsed.TotalSeconds;
        long pairs = TotalPairs;
        long wait = Interlocked.Read(ref _totalWaitTicks);
        double interval = Math.Max(now - _lastSeconds, 1e-9);
        double idle = 100 * Stopwatch.GetElapsedTime(0, wait - _lastWaitTicks).TotalSeconds / interval;
        LogThroughput((pairs - _lastPairs) / interval, idle, _queues?.Invoke() ?? "n/a");
        (_lastPairs, _lastWaitTicks, _lastSeconds) = (pairs, wait, now);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Throughput: {PairsPerSecond:F0} pairs/s, trainer idle {IdlePercent:F1}%, queues {Queues}")]
    private partial void LogThroughput(double pairsPerSecond, double idlePercent, string queues);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run summary: {Pairs} pairs, {PairsPerSecond:F0} pairs/s, trainer idle {IdlePercent:F1}%, {Seconds:F1} s, peak memory {PeakMegabytes:F0} MiB")]
    private partial void LogRunSummary(long pairs, double pairsPerSecond, double idlePercent, double seconds, double peakMegabytes);
}
