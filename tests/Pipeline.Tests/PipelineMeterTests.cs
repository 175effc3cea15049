using System.Diagnostics.Metrics;
using Siamese.Pipeline.Data;

namespace Siamese.Pipeline.Tests;

/// <summary>Meters are process-wide by name, so this runs alone: other tests' streams would report on the same instruments.</summary>
[CollectionDefinition(nameof(PipelineMeterTests), DisableParallelization = true)]
public sealed class PipelineMeterCollection;

[Collection(nameof(PipelineMeterTests))]
public sealed class PipelineMeterTests
{
    [Fact]
    public async Task PairStream_WhileRunning_ReportsImagesPerDigitBatchesAndQueueDepths()
    {
        var classes = TestDigits.RandomClasses(classes: 3, count: 5, height: 6, width: 6, seed: 2);
        var options = new PipelineOptions { BatchSize = 4, ProducerCapacity = 1, BlockSize = 2, BatchCapacity = 1, Workers = 1 };
        var measured = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Telemetry.MeterName && instrument.Name.StartsWith("siamese.pipeline.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        {
            var key = instrument.Name + (tags.Length > 0 ? $"[{tags[0].Value}]" : string.Empty);
            measured[key] = Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
        }

        listener.SetMeasurementEventCallback<long>(Record);
        listener.SetMeasurementEventCallback<int>(Record);
        listener.Start();

        await using (var stream = PairStream.Start(classes, options, StreamSettings.Training(options), 0, CancellationToken.None))
        {
            for (int i = 0; i < 10; i++)
            {
                stream.Pool.Return(await stream.Batches.ReadAsync());
            }

            listener.RecordObservableInstruments();
        }

        Assert.True(measured["siamese.pipeline.batches"] >= 10);
        long images = classes.Sum(c => measured[$"siamese.pipeline.images[{c.Label}]"]);
        Assert.True(images >= 10 * 4 * 2, $"{images} images for 10 batches of 4 pairs");
        Assert.InRange(measured["siamese.pipeline.batch_queue.depth"], 0, 1);
        Assert.All(classes, c => Assert.InRange(measured[$"siamese.pipeline.digit_queue.depth[{c.Label}]"], 0, 1));
    }
}
