using System.Diagnostics;
using Siamese.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Bench;

/// <summary>
/// The conv-blocks tower's training step (the Omniglot profile's network: zero-padded 3×3 convolution, batch norm,
/// ReLU, max-pooling per block, cosine-softmax loss) at one and two torch threads, and its pieces timed alone on the
/// same shapes: what a step costs and where it goes, in images per second and per CPU-second.
/// </summary>
public static class BlocksStepProfile
{
    public static void Run(int batchSize, int reps, int side, int width)
    {
        foreach (int threads in new[] { 1, 2 })
        {
            set_num_threads(threads);
            Console.WriteLine($"threads={threads}, {2 * batchSize} images of {side}x{side}, width {width}");
            Step(batchSize, reps, threads, side, width);
            Pieces(batchSize, reps, side, width);
        }
    }

    private static void Step(int batchSize, int reps, int threads, int side, int width)
    {
        var options = new ModelOptions
        {
            InputSize = side * side,
            Tower = TowerKind.ConvBlocks,
            ConvChannels = [width, width, width, width],
            ConvPooling = [true, true, true, false],
            Similarity = SimilarityKind.Cosine,
            Initialization = WeightInitialization.Torch,
        };
        int classes = 400;
        using var trainer = new SiameseTrainer(options, new TrainerSettings { TorchThreads = threads, Optimizer = OptimizerKind.Adam }, batchSize, [.. Enumerable.Range(0, classes)]);
        var random = new Random(1);
        var left = new float[batchSize * side * side];
        var right = new float[batchSize * side * side];
        for (int i = 0; i < left.Length; i++)
        {
            left[i] = (float)random.NextDouble();
            right[i] = (float)random.NextDouble();
        }

        var labels = Enumerable.Range(0, batchSize).Select(i => i < batchSize / 2 ? 1f : 0f).ToArray();
        var leftClasses = Enumerable.Range(0, batchSize).Select(i => i % classes).ToArray();
        var rightClasses = Enumerable.Range(0, batchSize).Select(i => (i * 7) % classes).ToArray();
        double seconds = Time(reps, () => trainer.TrainStep(left, right, labels, leftClasses, rightClasses), out double cpu);
        Console.WriteLine($"  step: {seconds * 1000:F1} ms = {2 * batchSize / seconds:F0} images/s ({2 * batchSize / cpu:F0} per CPU-second)");
    }

    private static void Pieces(int batchSize, int reps, int side, int width)
    {
        int rows = 2 * batchSize;
        using var scope = NewDisposeScope();
        int s = side;
        var input = rand(rows, 1, s, s);
        long channels = 1;
        for (int block = 1; block <= 4; block++)
        {
            var conv = nn.Conv2d(channels, width, 3, padding: 1);
            var norm = nn.BatchNorm2d(width);
            var x = rand(rows, channels, s, s).requires_grad_();
            var y = conv.forward(x);
            double forward = Time(reps, () => conv.forward(x).Dispose(), out _);
            double backward = Time(reps, () =>
            {
                using var inner = NewDisposeScope();
                conv.forward(x).sum().backward();
            }, out _) - forward;
            double bn = Time(reps, () =>
            {
                using var inner = NewDisposeScope();
                nn.functional.max_pool2d(nn.functional.relu(norm.forward(y.detach())), 2);
            }, out _);
            Console.WriteLine($"  block {block} [{rows},{channels},{s},{s}] conv forward {forward * 1000:F2} ms, backward {backward * 1000:F2} ms; bn+relu+pool forward {bn * 1000:F2} ms");
            channels = width;
            s = block < 3 ? s / 2 : block == 3 ? s / 2 : s;
        }

        _ = input;
    }

    private static double Time(int reps, Action action, out double cpuSecondsPerRep)
    {
        for (int i = 0; i < Math.Max(3, reps / 5); i++)
        {
            action();
        }

        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < reps; i++)
        {
            action();
        }

        double seconds = clock.Elapsed.TotalSeconds / reps;
        process.Refresh();
        cpuSecondsPerRep = (process.TotalProcessorTime - cpu).TotalSeconds / reps;
        return seconds;
    }
}
