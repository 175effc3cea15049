using System.Diagnostics;
using System.Globalization;
using Siamese.Pipeline;
using Siamese.Pipeline.Data;

namespace Siamese.Bench;

/// <summary>
/// Quick single-figure measurements for <c>compare-with-pytorch.sh</c>, which interleaves them with the PyTorch
/// peers (BenchmarkDotNet's runs are too long to interleave several rounds on a shared machine). Each prints one
/// line in the peers' style.
/// </summary>
public static class ConsoleMode
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static bool TryRun(string[] args)
    {
        if (args.Length == 0)
        {
            return false;
        }

        int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], Invariant) : fallback;
        switch (args[0])
        {
            case "step":
                Step(Arg(1, 20), Arg(2, 2000), Arg(3, 1), args.Length > 4 ? args[4] : "random");
                return true;
            case "profile":
                StepProfile.Run(Arg(1, 20), Arg(2, 1000), Arg(3, 1));
                return true;
            case "conv-profile":
                ConvStepProfile.Run(Arg(1, 128), Arg(2, 30));
                return true;
            case "blocks-profile":
                BlocksStepProfile.Run(Arg(1, 64), Arg(2, 10), Arg(3, 28), Arg(4, 64));
                return true;
            case "aug":
                Augment(Arg(1, 3));
                return true;
            case "similarity":
                int model = Array.IndexOf(args, "--model");
                var numbers = args.Where((_, i) => i > 0 && i != model && i != model + 1).ToArray();
                SimilarityBench.Run(model > 0 && model + 1 < args.Length ? args[model + 1] : null, numbers.Length > 0 ? int.Parse(numbers[0], Invariant) : 1, numbers.Length > 1 ? double.Parse(numbers[1], Invariant) : 3);
                return true;
            case "pipeline":
                Pipeline(Arg(1, 2), Arg(2, 3), Arg(3, 64), Arg(4, 64), Arg(5, 4), Arg(6, 16), args.Length > 7 ? args[7] : "rings");
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Trainer steps/s after 100 warm-up steps: on one fixed random batch, as torch_step.py does ("random"), or cycling
    /// through 64 batches of real augmented MNIST pairs from the product's pipeline ("mnist"). Every pixel of a random
    /// batch is non-zero and about three in four of an augmented MNIST batch's are zero; the trainer's speed is the same.
    /// </summary>
    private static void Step(int batchSize, int steps, int threads, string data)
    {
        using var trainer = TrainerBatch.NewTrainer(batchSize, threads);
        IReadOnlyList<TrainerBatch> batches = data switch
        {
            "random" => [TrainerBatch.Random(batchSize, seed: 1)],
            "mnist" => TrainerBatch.FromMnist(batchSize, 64),
            _ => throw new ArgumentException($"Unknown data '{data}': random or mnist."),
        };
        for (int i = 0; i < 100; i++)
        {
            batches[i % batches.Count].Step(trainer);
        }

        var process = Process.GetCurrentProcess();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            batches[i % batches.Count].Step(trainer);
        }

        double seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        double cpuSeconds = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        Console.WriteLine(string.Format(
            Invariant,
            "ours B={0} threads={1}{5}: {2:F0} steps/s, {3:F0} pairs/s (per CPU-second of the process: {4:F0} steps)",
            batchSize,
            threads,
            steps / seconds,
            steps * batchSize / seconds,
            steps / cpuSeconds,
            data == "random" ? "" : " data=" + data));
    }

    /// <summary>One producer's work (draw + augment, tutorial settings) on one thread over uniform-noise images, like torch_aug.py's input.</summary>
    private static void Augment(int seconds)
    {
        var digits = SyntheticDigits.Create(1024, SyntheticDigits.Kind.Noise)[0];
        var augmenter = new Augmenter(new AugmentationOptions(), SyntheticDigits.Side, SyntheticDigits.Side);
        var random = new Random(1);
        var output = new float[SyntheticDigits.Side * SyntheticDigits.Side];
        long images = 0;
        var process = Process.GetCurrentProcess();
        TimeSpan cpuBefore = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        var warmup = TimeSpan.FromSeconds(0.5);
        var total = warmup + TimeSpan.FromSeconds(seconds);
        TimeSpan started = TimeSpan.Zero;
        while (clock.Elapsed < total)
        {
            for (int i = 0; i < digits.Count; i++)
            {
                augmenter.Apply(augmenter.Draw(random), digits.Image(i), output);
            }

            if (started == TimeSpan.Zero && clock.Elapsed >= warmup)
            {
                started = clock.Elapsed;
                process.Refresh();
                cpuBefore = process.TotalProcessorTime;
                images = 0;
                continue;
            }

            images += digits.Count;
        }

        double elapsed = (clock.Elapsed - started).TotalSeconds;
        process.Refresh();
        double cpuSeconds = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        Console.WriteLine(string.Format(Invariant, "ours augment (one producer, noise images): {0:F0} images/s (per CPU-second of the process: {1:F0})", images / elapsed, images / cpuSeconds));
    }

    /// <summary>
    /// The whole pipeline (ten producers, pairing stage, pooled batches) on MNIST-like synthetic digits ("rings"), or on
    /// the 60,000 MNIST training images ("mnist": <c>MNIST_IDX</c>, default data/mnist).
    /// </summary>
    private static void Pipeline(int workers, int seconds, int batchSize, int blockSize, int producerCapacity, int batchCapacity, string data)
    {
        var options = new PipelineOptions { BatchSize = batchSize, Workers = workers, BlockSize = blockSize, ProducerCapacity = producerCapacity, BatchCapacity = batchCapacity };
        string mnist = Environment.GetEnvironmentVariable("MNIST_IDX") ?? new DataOptions().Directory;
        var classes = data switch
        {
            "mnist" => DatasetSplit.GroupByClass(MnistLoader.TryLoad(mnist)?.Train ?? throw new InvalidOperationException($"No MNIST in {mnist} (set MNIST_IDX)."), null),
            "rings" => SyntheticDigits.Create(imagesPerClass: 1000, SyntheticDigits.Kind.Strokes),
            // rings:N — N classes of 20 images each, as Omniglot's characters have (10, 136 and 1000 in docs/performance.md).
            _ when data.StartsWith("rings:", StringComparison.Ordinal) => SyntheticDigits.Create(imagesPerClass: 20, SyntheticDigits.Kind.Strokes, classes: int.Parse(data["rings:".Length..], Invariant)),
            _ => throw new ArgumentException($"Unknown data '{data}': rings, rings:<classes> or mnist."),
        };
        var stream = PairStream.Start(classes, options, StreamSettings.Training(options), 0, CancellationToken.None);
        try
        {
            var reader = stream.Batches;
            long Drain(TimeSpan duration)
            {
                long batches = 0;
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed < duration)
                {
                    if (!reader.TryRead(out var batch))
                    {
                        batch = reader.ReadAsync().AsTask().GetAwaiter().GetResult();
                    }

                    stream.Pool.Return(batch);
                    batches++;
                }

                return batches;
            }

            // Long enough for tiered compilation to finish: both cores are busy, so the background JIT is slow.
            Drain(TimeSpan.FromSeconds(2));
            var process = Process.GetCurrentProcess();
            TimeSpan cpuBefore = process.TotalProcessorTime;
            var timer = Stopwatch.StartNew();
            long count = Drain(TimeSpan.FromSeconds(seconds));
            double elapsed = timer.Elapsed.TotalSeconds;
            process.Refresh();
            double cpuSeconds = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
            double images = count * 2.0 * batchSize / elapsed;
            Console.WriteLine(string.Format(
                Invariant,
                "ours pipeline workers={0} B={1} block={5} capacity={6}/{7} data={8}: {2:F0} images/s, {3:F0} pairs/s (per CPU-second of the process: {4:F0} images)",
                workers,
                batchSize,
                images,
                images / 2,
                count * 2.0 * batchSize / cpuSeconds,
                blockSize,
                producerCapacity,
                batchCapacity,
                data));
        }
        finally
        {
            stream.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
