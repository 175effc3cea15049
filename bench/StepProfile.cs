using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Bench;

/// <summary>
/// Where a trainer step's time goes: the step's pieces timed alone with plain TorchSharp calls on the same shapes
/// (784-128-128-128 tower over 2B rows, L1, dense head, BCE, Keras RMSprop on one flat buffer).
/// </summary>
public static class StepProfile
{
    public static void Run(int batchSize, int reps, int threads)
    {
        set_num_threads(threads);
        manual_seed(0);
        int rows = 2 * batchSize;
        var x = rand(rows, 784);
        var w1 = (rand(128, 784) - 0.5) * 0.05;
        var w2 = (rand(128, 128) - 0.5) * 0.1;
        var h1 = rand(rows, 128);
        var g1 = rand(rows, 128);
        var flat = rand(118_273);
        var ms = rand(118_273);
        var den = empty(118_273);

        void Time(string what, Action action)
        {
            for (int i = 0; i < Math.Max(10, reps / 10); i++)
            {
                action();
            }

            var clock = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++)
            {
                action();
            }

            double us = clock.Elapsed.TotalMicroseconds / reps;
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-52} {1,9:F1} µs", what, us));
        }

        Time($"fc1 forward mm [{rows},784]x[784,128]", () => torch.mm(x, w1.t()).Dispose());
        Time($"fc1 weight grad mm [128,{rows}]x[{rows},784]", () => torch.mm(g1.t(), x).Dispose());
        Time($"fc2 forward mm [{rows},128]x[128,128]", () => torch.mm(h1, w2.t()).Dispose());
        Time("RMSprop on 118k floats (5 in-place ops)", () =>
        {
            using var noGrad = no_grad();
            ms.mul_(0.9).addcmul_(flat, flat, 0.1);
            den.copy_(ms).add_(1e-7).sqrt_();
            flat.addcdiv_(flat, den, -1e-9);
        });
        Time("zero_ 118k floats", () => den.zero_());
        Time("tiny op (P/Invoke + dispatch), [1] add_", () => den.narrow(0, 0, 1).add_(0).Dispose());
        Time("empty dispose scope", () => { using var scope = NewDisposeScope(); });
        Time("scalar tensor .item<float>()", () => ms.narrow(0, 0, 1).item<float>());

        var dropoutMask = new float[rows * 128];
        var dropoutRandom = new Siamese.Model.DropoutRandom(1);
        Time($"dropout mask [{rows},128] (managed xoshiro256**)", () => dropoutRandom.Fill(dropoutMask, 0.1));
        Time($"dropout apply [{rows},128] (empty + mul)", () =>
        {
            using var scope = NewDisposeScope();
            var mask = empty(rows, 128);
            h1.mul(mask);
        });

        var trainer = TrainerBatch.NewTrainer(batchSize, threads);
        var batch = TrainerBatch.Random(batchSize, 1);
        Time($"whole TrainStep B={batchSize}", () => batch.Step(trainer));
        trainer.Dispose();
    }
}
