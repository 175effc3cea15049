using Microsoft.Extensions.Options;
using Siamese.Pipeline;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Training;

/// <summary>The product's batch source: the producer → pairing pipeline (<see cref="PairStream"/>) with the training stream's settings.</summary>
internal sealed class PipelineBatchSource(IOptions<PipelineOptions> options) : IBatchSource
{
    public IBatchStream Start(IReadOnlyList<ImageClass> classes, long skipBatches, CancellationToken cancellationToken) =>
        PairStream.Start(classes, options.Value, StreamSettings.Training(options.Value), skipBatches, cancellationToken);
}
