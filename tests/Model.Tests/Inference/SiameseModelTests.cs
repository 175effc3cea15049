using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Siamese.Model.Tests;

[Collection(TorchCollection.Name)]
public sealed class SiameseModelTests(ITestOutputHelper output)
{
    private const int InputSize = TrainedRun.InputSize;

    public static TheoryData<TowerKind, SimilarityKind, DistanceKind> Variants => new()
    {
        { TowerKind.Mlp, SimilarityKind.Sigmoid, DistanceKind.L1 },
        { TowerKind.Mlp, SimilarityKind.Sigmoid, DistanceKind.L2 },
        { TowerKind.Mlp, SimilarityKind.Contrastive, DistanceKind.L1 },
        { TowerKind.Conv, SimilarityKind.Sigmoid, DistanceKind.L1 },
        { TowerKind.Conv, SimilarityKind.Contrastive, DistanceKind.L1 },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Similarities_RunFolder_EqualTheTrainersSimilarities(TowerKind tower, SimilarityKind similarity, DistanceKind distance)
    {
        using var run = TrainedRun.Create(TrainedRun.Small(tower, similarity, distance));
        var pairs = SyntheticPairs.Create(600, InputSize, seed: 41);
        var expected = new float[600];
        run.Trainer.Model.Similarities(pairs.Left, pairs.Right, expected);

        using var model = SiameseModel.Load(run.Folder);
        float[] actual = model.Similarities(pairs.Left, pairs.Right);

        float difference = MaxAbsDifference(expected, actual);
        output.WriteLine($"{tower}/{similarity}/{distance}: max |SiameseModel - SiameseTrainer| = {difference:G3} over 600 pairs");
        Assert.True(difference <= 1e-6f, $"max difference {difference}");
        Assert.Contains(expected, s => s is > 0.05f and < 0.95f);
    }

    [Fact]
    public void Similarities_RawPixels_AreTheRescaledPixelsScoredWithTheModelsOwnRescale()
    {
        var options = TrainedRun.Small(TowerKind.Mlp, SimilarityKind.Sigmoid);
        options.Rescale = 2.0 / 255;
        using var run = TrainedRun.Create(options);
        byte[] lefts = TrainedRun.RandomPixels(300, seed: 42);
        byte[] rights = TrainedRun.RandomPixels(300, seed: 43);
        var expected = new float[300];
        run.Trainer.Model.Similarities(TrainedRun.Rescaled(lefts, options.Rescale), TrainedRun.Rescaled(rights, options.Rescale), expected);

        using var model = SiameseModel.Load(run.Folder);
        float[] fromBytes = model.Similarities(lefts, rights);
        float[] fromFloats = model.Similarities(TrainedRun.Rescaled(lefts, options.Rescale), TrainedRun.Rescaled(rights, options.Rescale));
        float one = model.Similarity(lefts.AsSpan(7 * InputSize, InputSize), rights.AsSpan(7 * InputSize, InputSize));

        Assert.Equal(fromFloats, fromBytes);
        Assert.True(MaxAbsDifference(expected, fromBytes) <= 1e-6f);
        Assert.Equal(fromBytes[7], one, 1e-6f);
    }

    [Fact]
    public void Load_Checkpoint_SameSimilaritiesAsTheFinalWeights()
    {
        var options = TrainedRun.Small(TowerKind.Conv, SimilarityKind.Contrastive);
        using var run = TrainedRun.Create(options);
        string checkpoint = Path.Combine(run.Folder, "elsewhere", CheckpointFile.FileName);
        CheckpointFile.Write(checkpoint, new JsonObject { [CheckpointFile.ModelProperty] = JsonSerializer.SerializeToNode(options) }, run.Trainer);
        var pairs = SyntheticPairs.Create(40, InputSize, seed: 44);

        using var fromWeights = SiameseModel.Load(Path.Combine(run.Folder, ModelFile.WeightsName));
        using var fromCheckpoint = SiameseModel.Load(checkpoint);

        Assert.Equal(fromWeights.Similarities(pairs.Left, pairs.Right), fromCheckpoint.Similarities(pairs.Left, pairs.Right));
        Assert.Equal(options.Describe(), fromCheckpoint.Options.Describe());
        Assert.Contains("checkpoint", fromCheckpoint.Source);
    }

    [Fact]
    public void Load_NoTorchThreads_LeavesLibtorchsThreadCountAlone()
    {
        using var run = TrainedRun.Create(TrainedRun.Small(TowerKind.Mlp, SimilarityKind.Sigmoid), steps: 1);
        try
        {
            set_num_threads(2);
            using (SiameseModel.Load(run.Folder))
            {
                Assert.Equal(2, get_num_threads());
            }

            using (SiameseModel.Load(run.Folder, torchThreads: 1))
            {
                Assert.Equal(1, get_num_threads());
            }
        }
        finally
        {
            set_num_threads(1);
        }
    }

    [Fact]
    public void Embed_Images_RowsAreTheNetworksEmbeddingsInEvaluationMode()
    {
        using var run = TrainedRun.Create(TrainedRun.Small(TowerKind.Conv, SimilarityKind.Sigmoid));
        byte[] pixels = TrainedRun.RandomPixels(700, seed: 45);
        float[] rescaled = TrainedRun.Rescaled(pixels, run.Trainer.Options.Rescale);
        float[] expected;
        run.Trainer.Network.eval();
        using (no_grad())
        using (NewDisposeScope())
        {
            expected = run.Trainer.Network.EmbedRows(tensor(rescaled).view(700, InputSize)).data<float>().ToArray();
        }

        run.Trainer.Network.train();

        using var model = SiameseModel.Load(run.Folder);
        float[,] fromBytes = model.Embed(pixels);
        var fromFloats = new float[700 * model.EmbeddingSize];
        model.Embed(rescaled, fromFloats);

        Assert.Equal(16, model.EmbeddingSize);
        Assert.Equal([700, 16], new[] { fromBytes.GetLength(0), fromBytes.GetLength(1) });
        Assert.Equal(fromFloats, fromBytes.Cast<float>());
        Assert.True(MaxAbsDifference(expected, fromFloats) <= 1e-6f);
    }

    [Fact]
    public void Similarities_SeveralThreadsAtOnce_SameAnswersAsSequentialCalls()
    {
        const int Threads = 4, Rounds = 5, Pairs = 50;
        using var run = TrainedRun.Create(TrainedRun.Small(TowerKind.Conv, SimilarityKind.Sigmoid));
        var pairs = SyntheticPairs.Create(Threads * Pairs, InputSize, seed: 46);
        using var model = SiameseModel.Load(run.Folder);
        float[][] sequential = Enumerable.Range(0, Threads)
            .Select(t => model.Similarities(pairs.LeftOf(t * Pairs, Pairs, InputSize), pairs.RightOf(t * Pairs, Pairs, InputSize)))
            .ToArray();
        float[][] embeddings = Enumerable.Range(0, Threads).Select(t => model.Embed(pairs.LeftOf(t * Pairs, Pairs, InputSize)).Cast<float>().ToArray()).ToArray();
        var concurrent = new float[Threads][][];
        var concurrentEmbeddings = new float[Threads][][];
        using var start = new Barrier(Threads);

        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            concurrent[t] = new float[Rounds][];
            concurrentEmbeddings[t] = new float[Rounds][];
            start.SignalAndWait();
            for (int round = 0; round < Rounds; round++)
            {
                concurrent[t][round] = model.Similarities(pairs.LeftOf(t * Pairs, Pairs, InputSize), pairs.RightOf(t * Pairs, Pairs, InputSize));
                concurrentEmbeddings[t][round] = model.Embed(pairs.LeftOf(t * Pairs, Pairs, InputSize)).Cast<float>().ToArray();
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        for (int t = 0; t < Threads; t++)
        {
            Assert.All(concurrent[t], result => Assert.Equal(sequential[t], result));
            Assert.All(concurrentEmbeddings[t], result => Assert.Equal(embeddings[t], result));
        }
    }

    [Fact]
    public void Dispose_WhileOtherThreadsScore_EachCallFinishesOrReportsDisposed()
    {
        const int Threads = 3;
        using var run = TrainedRun.Create(TrainedRun.Small(TowerKind.Conv, SimilarityKind.Sigmoid), steps: 1);
        var pairs = SyntheticPairs.Create(600, InputSize, seed: 47);
        var model = SiameseModel.Load(run.Folder);
        float[] expected = model.Similarities(pairs.Left, pairs.Right);
        var outcomes = new Exception?[Threads];
        var finished = new bool[Threads];
        using var start = new Barrier(Threads + 1);
        using var inUse = new CountdownEvent(Threads);

        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                for (int round = 0; round < 20; round++)
                {
                    Assert.Equal(expected, model.Similarities(pairs.Left, pairs.Right));
                    if (round == 0)
                    {
                        inUse.Signal();
                    }
                }

                finished[t] = true;
            }
            catch (Exception e)
            {
                outcomes[t] = e;
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        start.SignalAndWait();
        Assert.True(inUse.Wait(TimeSpan.FromMinutes(1)), "a first call failed");   // every thread has had a call served and has more to make: Dispose races with live callers
        model.Dispose();
        threads.ForEach(thread => thread.Join());

        for (int t = 0; t < Threads; t++)
        {
            Assert.True(finished[t] || outcomes[t] is ObjectDisposedException, $"thread {t}: {outcomes[t]}");
        }
    }

    [Fact]
    public void Similarities_ImagesThatDoNotFit_ThrowArgumentExceptionAndDisposedModelThrows()
    {
        using var run = TrainedRun.Create(TrainedRun.Small(TowerKind.Mlp, SimilarityKind.Sigmoid), steps: 1);
        var model = SiameseModel.Load(run.Folder);

        Assert.Throws<ArgumentException>(() => model.Similarities(new float[InputSize + 1], new float[InputSize + 1]));
        Assert.Throws<ArgumentException>(() => model.Similarities(new float[InputSize], new float[2 * InputSize]));
        Assert.Throws<ArgumentException>(() => model.Similarities(new byte[InputSize], new byte[InputSize], new float[2]));
        Assert.Throws<ArgumentException>(() => model.Similarity(new byte[2 * InputSize], new byte[2 * InputSize]));
        Assert.Throws<ArgumentException>(() => model.Embed(new float[InputSize], new float[3]));
        model.Dispose();
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Similarity(new byte[InputSize], new byte[InputSize]));
    }

    private static float MaxAbsDifference(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        return expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
    }
}
