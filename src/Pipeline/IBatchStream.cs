using System.Threading.Channels;

namespace Siamese.Pipeline;

/// <summary>
/// A running, endless stream of pair batches, as the trainer consumes it: read <see cref="Batches"/>, hand each batch
/// back with <see cref="Return"/> once done with it, dispose to stop. <see cref="PairStream"/> is the real one; tests
/// fake it.
/// </summary>
public interface IBatchStream : IAsyncDisposable
{
    /// <summary>The batches, in order; a stage's failure comes out of it as an exception.</summary>
    ChannelReader<PairBatch> Batches { get; }

    /// <summary>Takes back a batch read from <see cref="Batches"/>, to be reused.</summary>
    void Return(PairBatch batch);

    /// <summary>What waits in the stream's queues, for the periodic telemetry line (e.g. "batches 8, digits 0:4 1:3 …").</summary>
    string DescribeQueues();
}
