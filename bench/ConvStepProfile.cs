using System.Diagnostics;
using System.Globalization;
using Siamese.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Bench;

/// <summary>
/// The Best profile's trainer step (conv 32-64 tower, Dense 256-128 with dropout 0.3, contrastive loss, Adam) at one
/// and at two torch threads, and where its time goes: the tower's pieces timed alone with plain TorchSharp calls on the
/// same shapes (2B images of 28 × 28).
/// </summary>
public static class ConvStepProfile
{
    public static void Run(int batchSize, int reps)
    {
        foreach (int threads in new[] { 1, 2 })
        {
            set_num_threads(threads);
            Console.WriteLine($"threads={threads}");
            Pieces(batchSize, reps, threads);
        }
    }

    private static void Pieces(int batchSize, int reps, int threads)
    {
        manual_seed(0);
        int rows = 2 * batchSize;
        var x = rand(rows, 1, 28, 28);
        using var conv1 = nn.Conv2d(1, 32, 3);
        using var conv2 = nn.Conv2d(32, 64, 3);
        var h1 = rand(rows, 32, 13, 13);
        var h2 = rand(rows, 64, 11, 11);
        var flat = rand(rows, 1600);
        using var fc1 = nn.Linear(1600, 256);
        using var fc2 = nn.Linear(256, 128);

        double Time(string what, Action action)
        {
            for (int i = 0; i < Math.Max(10, reps / 5); i++)
            {
                action();
            }

            var clock = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++)
            {
                action();
            }

            double us = clock.Elapsed.TotalMicroseconds / reps;
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0,-58} {1,9:F0} µs", what, us));
            return us;
        }

        using (no_grad())
        {
            Time($"conv1 forward [{rows},1,28,28] → 32×26×26", () => conv1.forward(x).Dispose());
            Time($"conv2 forward [{rows},32,13,13] → 64×11×11", () => conv2.forward(h1).Dispose());
            Time($"max-pool + relu [{rows},64,11,11]", () =>
            {
                using var scope = NewDisposeScope();
                nn.functional.max_pool2d(nn.functional.relu(h2), 2);
            });
            Time($"dense forward [{rows},1600]→256→128", () =>
            {
                using var scope = NewDisposeScope();
                fc2.forward(fc1.forward(flat));
            });
        }

        var h1Grad = rand(rows, 32, 13, 13).requires_grad_();
        Time("conv2 forward + backward (input and weight gradients)", () =>
        {
            using var scope = NewDisposeScope();
            conv2.forward(h1Grad).sum().backward();
        });
        Time("conv1 forward + backward (weight gradient only)", () =>
        {
            using var scope = NewDisposeScope();
            conv1.forward(x).sum().backward();
        });

        var options = new ModelOptions { Tower = TowerKind.Conv, ConvChannels = [32, 64], HiddenSizes = [256, 128], Dropout = 0.3, Similarity = SimilarityKind.Contrastive };
        using var trainer = new SiameseTrainer(options, new TrainerSettings { TorchThreads = threads, Seed = 0, Optimizer = OptimizerKind.Adam, LearningRate = 3e-3 }, batchSize);
        var batch = TrainerBatch.Random(batchSize, 1);
        double step = Time($"whole TrainStep B={batchSize}", () => batch.Step(trainer));
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0,-58} {1,9:F0} pairs/s", "→", batchSize / step * 1e6));
    }
}
