using BenchmarkDotNet.Attributes;
using Siamese.Model;

namespace Siamese.Bench;

/// <summary>
/// The trainer alone: <see cref="SiameseTrainer.TrainStep"/> on prepared random batches (the tutorial's model and
/// Keras RMSprop), as <c>../shared/peers/torch_step.py</c> measures PyTorch. One operation is one step.
/// </summary>
public class TrainerBenchmarks
{
    private const int StepsPerInvoke = 50;

    private SiameseTrainer _trainer = null!;
    private TrainerBatch _batch = null!;

    [Params(20, 128)]
    public int BatchSize { get; set; }

    [Params(1)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _trainer = TrainerBatch.NewTrainer(BatchSize, Threads);
        _batch = TrainerBatch.Random(BatchSize, seed: 1);
        for (int i = 0; i < 20; i++)
        {
            _batch.Step(_trainer);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _trainer.Dispose();

    [Benchmark(OperationsPerInvoke = StepsPerInvoke)]
    public float TrainStep()
    {
        float loss = 0;
        for (int i = 0; i < StepsPerInvoke; i++)
        {
            loss += (float)_batch.Step(_trainer).Loss;
        }

        return loss;
    }
}
