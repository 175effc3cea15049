using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Siamese.Model;

namespace Siamese.Bench;

/// <summary>
/// Pairs/s of similarity scoring at batch 1 and batch 1000, through <see cref="SiameseModel"/> (TorchSharp) and through
/// ONNX Runtime on the <c>model.onnx</c> <see cref="OnnxExport"/> writes for the same weights: the default MLP model
/// trained a few steps here, or a model given with <c>--model</c>. Both use the same number of intra-op threads.
/// </summary>
public static class SimilarityBench
{
    private const int InputSize = 784;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Run(string? modelPath, int threads, double seconds)
    {
        string folder = Directory.CreateTempSubdirectory("similarity-bench-").FullName;
        try
        {
            string source = modelPath ?? TrainDefault(folder, threads);
            using var model = SiameseModel.Load(source, torchThreads: threads);
            string onnx = Path.Combine(folder, OnnxExport.ModelName);
            OnnxExport.WriteModel(model, onnx, threshold: 0.5);
            using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
            using var session = new InferenceSession(onnx, options);
            Console.WriteLine(string.Format(Invariant, "model {0}, {1} thread(s), {2} s per figure", model.Source, threads, seconds));
            foreach (int batch in new[] { 1, 1000 })
            {
                var pairs = TrainerBatch.Random(batch, seed: batch);
                var torch = new float[batch];
                var ort = new float[batch];
                Report("SiameseModel", batch, Measure(seconds, () => model.Similarities(pairs.Left, pairs.Right, torch)));
                using var run = new OnnxRun(session, pairs, batch);
                Report("ONNX Runtime", batch, Measure(seconds, () => run.Score(ort)));
                Console.WriteLine(string.Format(Invariant, "  B={0}: max |ONNX Runtime - SiameseModel| = {1:G3}", batch, torch.Zip(ort, (a, b) => Math.Abs(a - b)).Max()));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The default model (784-128-128-128, L1, sigmoid head) after 50 steps on random pairs, saved as a run folder saves it.</summary>
    private static string TrainDefault(string folder, int threads)
    {
        var options = new ModelOptions();
        using var trainer = TrainerBatch.NewTrainer(20, threads);
        var batch = TrainerBatch.Random(20, seed: 1);
        for (int i = 0; i < 50; i++)
        {
            batch.Step(trainer);
        }

        trainer.SaveWeights(Path.Combine(folder, ModelFile.WeightsName));
        ModelFile.WriteOptions(folder, options);
        return folder;
    }

    /// <summary>Calls per second of <paramref name="call"/> over <paramref name="seconds"/>, after a warm-up of a fifth of that.</summary>
    private static double Measure(double seconds, Action call)
    {
        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed.TotalSeconds < seconds / 5)
        {
            call();
        }

        long calls = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            call();
            calls++;
        }

        return calls / clock.Elapsed.TotalSeconds;
    }

    private static void Report(string engine, int batch, double callsPerSecond) =>
        Console.WriteLine(string.Format(Invariant, "{0,-12} B={1,-4}: {2,10:F0} pairs/s ({3:F1} µs per call)", engine, batch, callsPerSecond * batch, 1e6 / callsPerSecond));

    /// <summary>One batch's inputs as ONNX Runtime values made once, run as an application would run them.</summary>
    private sealed class OnnxRun : IDisposable
    {
        private readonly InferenceSession session;
        private readonly OrtValue left;
        private readonly OrtValue right;
        private readonly RunOptions options = new();

        public OnnxRun(InferenceSession session, TrainerBatch pairs, int batch)
        {
            this.session = session;
            long[] shape = [batch, 1, 28, 28];
            left = OrtValue.CreateTensorValueFromMemory(pairs.Left[..(batch * InputSize)], shape);
            right = OrtValue.CreateTensorValueFromMemory(pairs.Right[..(batch * InputSize)], shape);
        }

        public void Score(float[] output)
        {
            using var results = session.Run(options, [OnnxExport.LeftInput, OnnxExport.RightInput], [left, right], [OnnxExport.SimilarityOutput]);
            results[0].GetTensorDataAsSpan<float>().CopyTo(output);
        }

        public void Dispose()
        {
            left.Dispose();
            right.Dispose();
            options.Dispose();
        }
    }
}
