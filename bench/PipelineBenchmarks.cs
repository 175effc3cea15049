using BenchmarkDotNet.Attributes;
using Siamese.Pipeline;

namespace Siamese.Bench;

/// <summary>
/// The whole stream: ten augmenting producers, the pairing stage and a consumer that returns every batch to the pool.
/// One operation is one batch; the stream keeps running between iterations, as it does under a trainer.
/// </summary>
public class PipelineBenchmarks
{
    private const int BatchesPerInvoke = 500;
    private const int PairsPerBatch = 64;

    private PairStream _stream = null!;

    [Params(1, 2)]
    public int Workers { get; set; }

    [Params(SyntheticDigits.Kind.Strokes, SyntheticDigits.Kind.Noise)]
    public SyntheticDigits.Kind Data { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new PipelineOptions { BatchSize = PairsPerBatch, Workers = Workers, BlockSize = 64, ProducerCapacity = 4, BatchCapacity = 16 };
        _stream = PairStream.Start(SyntheticDigits.Create(imagesPerClass: 1000, Data), options, StreamSettings.Training(options), 0, CancellationToken.None);
    }

    [GlobalCleanup]
    public void Cleanup() => _stream.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = BatchesPerInvoke)]
    [ImagesPerOperation(2 * PairsPerBatch)]
    public async Task Batches()
    {
        var reader = _stream.Batches;
        for (int i = 0; i < BatchesPerInvoke; i++)
        {
            if (!reader.TryRead(out var batch))
            {
                batch = await reader.ReadAsync();
            }

            _stream.Pool.Return(batch);
        }
    }
}
