using Microsoft.Extensions.Options;
using Siamese.Pipeline;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Training;

/// <summary>Where the trainer's batches come from: a stream over the training classes, started at a batch index.</summary>
internal interface IBatchSource
{
    /// <summary>Starts a stream that yields exactly what an uninterrupted stream yields from batch <paramref name="skipBatches"/> on.</summary>
    IBatchStream Start(IReadOnlyList<ImageClass> classes, long skipBatches, CancellationToken cancellationToken);
}
