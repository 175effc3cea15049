using System.Diagnostics.Metrics;
using System.Threading.Channels;

namespace Siamese.Pipeline;

/// <summary>
/// A running <see cref="PairStream"/>'s instruments on the product's <c>Siamese</c> meter: images produced per
/// digit, batches produced, and the depth of every channel. All are observed (read when a listener such as
/// <c>dotnet-counters</c> collects), so the hot path only bumps the counters the stages keep anyway.
/// </summary>
internal sealed class PipelineMeter : IDisposable
{
    private readonly Meter _meter = new(Telemetry.MeterName);

    public PipelineMeter(IReadOnlyList<ClassProducer> producers, IReadOnlyList<ChannelReader<ImageBlock>> digitQueues, PairingStage pairing, ChannelReader<PairBatch> batches)
    {
        _meter.CreateObservableCounter(
            "siamese.pipeline.images",
            () => producers.Select(p => new Measurement<long>(p.Produced, new KeyValuePair<string, object?>("digit", p.Label))),
            "{image}",
            "Augmented images produced, per digit");
        _meter.CreateObservableGauge(
            "siamese.pipeline.digit_queue.depth",
            () => digitQueues.Select((q, i) => new Measurement<int>(q.Count, new KeyValuePair<string, object?>("digit", producers[i].Label))),
            "{block}",
            "Image blocks waiting in each digit's channel");
        _meter.CreateObservableCounter("siamese.pipeline.batches", () => pairing.Produced, "{batch}", "Pair batches produced");
        _meter.CreateObservableGauge("siamese.pipeline.batch_queue.depth", () => batches.Count, "{batch}", "Batches waiting for the trainer");
    }

    public void Dispose() => _meter.Dispose();
}
