using Siamese.Model;

namespace Siamese.Bench;

/// <summary>A fixed random batch of pairs (uniform pixels, random labels), like <c>torch_step.py</c>'s.</summary>
public sealed class TrainerBatch
{
    private const int InputSize = 784;

    private TrainerBatch(float[] left, float[] right, float[] labels)
    {
        Left = left;
        Right = right;
        Labels = labels;
    }

    public float[] Left { get; }

    public float[] Right { get; }

    public float[] Labels { get; }

    /// <param name="dropout">The tower's dropout rate (SIAMESE_BENCH_DROPOUT overrides the tutorial's 0.1).</param>
    public static SiameseTrainer NewTrainer(int batchSize, int threads, double? dropout = null) =>
        new(new ModelOptions { Dropout = dropout ?? (double.TryParse(Environment.GetEnvironmentVariable("SIAMESE_BENCH_DROPOUT"), System.Globalization.CultureInfo.InvariantCulture, out var rate) ? rate : 0.1) },
            new TrainerSettings { TorchThreads = threads, Seed = 0 }, batchSize);

    public static TrainerBatch Random(int batchSize, int seed)
    {
        var random = new Random(seed);
        float[] Fill(int n)
        {
            var values = new float[n];
            for (int i = 0; i < n; i++)
            {
                values[i] = random.NextSingle();
            }

            return values;
        }

        var labels = new float[batchSize];
        for (int i = 0; i < batchSize; i++)
        {
            labels[i] = random.Next(2);
        }

        return new TrainerBatch(Fill(batchSize * InputSize), Fill(batchSize * InputSize), labels);
    }

    public StepResult Step(SiameseTrainer trainer) => trainer.TrainStep(Left, Right, Labels);

    /// <summary>
    /// <paramref name="count"/> batches of real training pairs: MNIST (<c>MNIST_IDX</c>, default data/mnist) through the
    /// product's own pipeline (augmentation, pairing) with its default settings, copied out.
    /// </summary>
    public static IReadOnlyList<TrainerBatch> FromMnist(int batchSize, int count)
    {
        string directory = Environment.GetEnvironmentVariable("MNIST_IDX") ?? new Siamese.Pipeline.Data.DataOptions().Directory;
        var train = Siamese.Pipeline.Data.MnistLoader.TryLoad(directory)?.Train ?? throw new InvalidOperationException($"No MNIST in {directory} (set MNIST_IDX).");
        var options = new Siamese.Pipeline.PipelineOptions { BatchSize = batchSize };
        var stream = Siamese.Pipeline.PairStream.Start(Siamese.Pipeline.Data.DatasetSplit.GroupByClass(train, null), options, Siamese.Pipeline.StreamSettings.Training(options), 0, CancellationToken.None);
        try
        {
            var batches = new List<TrainerBatch>(count);
            while (batches.Count < count)
            {
                var batch = stream.Batches.ReadAsync().AsTask().GetAwaiter().GetResult();
                int n = batch.Count * batch.ImageSize;
                batches.Add(new TrainerBatch(batch.Left.AsSpan(0, n).ToArray(), batch.Right.AsSpan(0, n).ToArray(), batch.Labels.AsSpan(0, batch.Count).ToArray()));
                stream.Pool.Return(batch);
            }

            return batches;
        }
        finally
        {
            stream.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
