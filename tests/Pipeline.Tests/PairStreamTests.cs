using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Siamese.Pipeline.Data;

namespace Siamese.Pipeline.Tests;

public sealed class PairStreamTests
{
    private static readonly IReadOnlyList<ImageClass> Classes = TestDigits.RandomClasses(classes: 4, count: 7, height: 12, width: 12, seed: 1);

    [Fact]
    public async Task Start_SameSeed_YieldsIdenticalBatches()
    {
        var options = Options(workers: 2);

        var first = await ReadAsync(Classes, options, StreamSettings.Training(options), skip: 0, count: 15);
        var second = await ReadAsync(Classes, options, StreamSettings.Training(options), skip: 0, count: 15);
        var otherSeed = await ReadAsync(Classes, options, new StreamSettings(options.Seed + 1, Augment: true), skip: 0, count: 15);

        AssertSameBatches(first, second);
        Assert.NotEqual(first[0].Left, otherSeed[0].Left);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(13)]
    public async Task Start_SkipBatches_ContinuesTheUninterruptedStream(int skip)
    {
        var options = Options(workers: 2);
        var uninterrupted = await ReadAsync(Classes, options, StreamSettings.Training(options), skip: 0, count: skip + 8);

        var resumed = await ReadAsync(Classes, options, StreamSettings.Training(options), skip: skip, count: 8);

        AssertSameBatches(uninterrupted.Skip(skip).ToArray(), resumed);
    }

    [Fact]
    public async Task Start_Batches_AreBalancedAndLabelled()
    {
        var options = Options(workers: 1);

        var batches = await ReadAsync(Classes, options, StreamSettings.Training(options), skip: 0, count: 20);

        Assert.All(batches, batch =>
        {
            Assert.Equal(options.BatchSize, batch.Count);
            for (int i = 0; i < batch.Count; i++)
            {
                bool positive = i < (options.BatchSize + 1) / 2;
                Assert.Equal(positive ? 1f : 0f, batch.Labels[i]);
                Assert.Equal(positive, batch.LeftClasses[i] == batch.RightClasses[i]);
            }
        });
    }

    /// <summary>Many classes (Omniglot's full background set has 964): batches planned in rounds of several.</summary>
    private static readonly IReadOnlyList<ImageClass> ManyClasses = TestDigits.RandomClasses(classes: 600, count: 3, height: 8, width: 8, seed: 5);

    [Fact]
    public void RoundBatches_ManyClasses_SeveralBatchesPerRoundFewClassesOne()
    {
        Assert.Equal(1, PairingStage.RoundBatches(10, batchSize: 128, imageSize: 784));
        Assert.True(PairingStage.RoundBatches(600, batchSize: 16, imageSize: 64) > 1);
        Assert.Equal(1, PairingStage.RoundBatches(1000, batchSize: 64, imageSize: 1 << 20));
    }

    [Fact]
    public async Task Start_ManyClasses_DeterministicWhateverTheWorkersAndResumable()
    {
        var one = Options(workers: 1);
        var two = Options(workers: 2);

        var first = await ReadAsync(ManyClasses, one, StreamSettings.Training(one), skip: 0, count: 60);
        var second = await ReadAsync(ManyClasses, two, StreamSettings.Training(two), skip: 0, count: 60);
        var resumed = await ReadAsync(ManyClasses, two, StreamSettings.Training(two), skip: 37, count: 23);

        AssertSameBatches(first, second);
        AssertSameBatches(first.Skip(37).ToArray(), resumed);
    }

    [Fact]
    public async Task Start_ManyClasses_BalancedOverPairsAndClasses()
    {
        var options = Options(workers: 2);

        var batches = await ReadAsync(ManyClasses, options, StreamSettings.Training(options), skip: 0, count: 1500);

        var uses = new int[ManyClasses.Count];
        foreach (var batch in batches)
        {
            for (int i = 0; i < batch.Count; i++)
            {
                bool positive = i < (options.BatchSize + 1) / 2;
                Assert.Equal(positive ? 1f : 0f, batch.Labels[i]);
                Assert.Equal(positive, batch.LeftClasses[i] == batch.RightClasses[i]);
                uses[batch.LeftClasses[i]]++;
                uses[batch.RightClasses[i]]++;
            }
        }

        // 1,500 batches of 10 images over 600 classes: 25 each on average. Classes drawn uniformly (same pairs count
        // two images of one class) give a variance near 40; a skew towards some classes would inflate it.
        double mean = uses.Average();
        double variance = uses.Select(u => (u - mean) * (u - mean)).Average();
        Assert.Equal(25, mean);
        Assert.All(uses, u => Assert.InRange(u, 1, 70));
        Assert.InRange(variance, 25, 60);
    }

    [Fact]
    public async Task TakeAsync_ValidationStream_SamePairsEveryTimeAndUnaugmented()
    {
        var options = Options(workers: 2);
        options.Validation.Seed = 77;
        var classes = Enumerable.Range(0, 3).Select(d => TestDigits.Numbered(d, count: 5 + d)).ToArray();

        var first = await PairStream.TakeAsync(classes, options, StreamSettings.Validation(options), 10, CancellationToken.None);
        var second = await PairStream.TakeAsync(classes, options, StreamSettings.Validation(options), 10, CancellationToken.None);

        AssertSameBatches(first, second);
        Assert.All(first, batch =>
        {
            for (int i = 0; i < batch.Count; i++)
            {
                var left = batch.Left.AsSpan(i * batch.ImageSize, batch.ImageSize);
                float id = left[0] * 255;
                Assert.InRange(id, 0.5f, 5.5f + batch.LeftClasses[i]);
                foreach (float pixel in left)
                {
                    Assert.Equal(left[0], pixel);
                }
            }
        });
    }

    [Fact]
    public async Task Start_AllCapacitiesOne_DeliversEveryImageOncePerPass()
    {
        var options = Options(workers: 2);
        options.ProducerCapacity = 1;
        options.BlockSize = 1;
        options.BatchCapacity = 1;
        var classes = Enumerable.Range(0, 3).Select(d => TestDigits.Numbered(d, count: 4)).ToArray();
        var seen = classes.Select(_ => new List<int>()).ToArray();

        await using (var stream = PairStream.Start(classes, options, new StreamSettings(5, Augment: false), 0, CancellationToken.None))
        {
            for (int b = 0; b < 60; b++)
            {
                var batch = await stream.Batches.ReadAsync();
                for (int i = 0; i < batch.Count; i++)
                {
                    seen[batch.LeftClasses[i]].Add((int)Math.Round(batch.Left[i * batch.ImageSize] * 255));
                    seen[batch.RightClasses[i]].Add((int)Math.Round(batch.Right[i * batch.ImageSize] * 255));
                }

                stream.Pool.Return(batch);
            }
        }

        foreach (var ids in seen)
        {
            for (int pass = 0; pass + 4 <= ids.Count; pass += 4)
            {
                Assert.Equal([1, 2, 3, 4], ids.GetRange(pass, 4).Order());
            }
        }
    }

    [Fact]
    public async Task Start_TokenCancelled_BatchesAndCompletionEndCancelledAndNoStageRuns()
    {
        var options = Options(workers: 2);
        using var cts = new CancellationTokenSource();
        var stream = PairStream.Start(Classes, options, StreamSettings.Training(options), 0, cts.Token);
        stream.Pool.Return(await stream.Batches.ReadAsync());

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var batch in stream.Batches.ReadAllAsync())
            {
                stream.Pool.Return(batch);
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.Completion);
        Assert.All(stream.StageTasks, t => Assert.True(t.IsCompleted));
        await stream.DisposeAsync();
    }

    [Fact]
    public async Task DisposeAsync_WhileProducersWaitOnFullChannels_StopsEveryStage()
    {
        var options = Options(workers: 1);
        options.ProducerCapacity = 1;
        options.BatchCapacity = 1;
        var stream = PairStream.Start(Classes, options, StreamSettings.Training(options), 0, CancellationToken.None);
        await stream.Batches.WaitToReadAsync();

        await stream.DisposeAsync();

        Assert.True(stream.Completion.IsCanceled);
        Assert.All(stream.StageTasks, t => Assert.True(t.IsCompleted));
    }

    [Fact]
    public void Start_OneClass_Throws()
    {
        var options = Options(workers: 1);

        Assert.Throws<ArgumentException>(() => PairStream.Start(Classes.Take(1).ToArray(), options, StreamSettings.Training(options), 0, CancellationToken.None));
    }

    [Fact]
    public void Start_MixedImageSizes_Throws()
    {
        var options = Options(workers: 1);
        ImageClass[] classes = [TestDigits.Numbered(0, 3, 8, 8), TestDigits.Numbered(1, 3, 9, 8)];

        Assert.Throws<ArgumentException>(() => PairStream.Start(classes, options, StreamSettings.Training(options), 0, CancellationToken.None));
    }

    /// <summary>What a run resumed at epoch 1 gets from <c>StreamSettings.Validation(options, 1)</c>, an uninterrupted run gets too.</summary>
    [Fact]
    public async Task TakeAsync_FreshValidation_NewBatchesEachEpochSameBatchesForTheSameEpoch()
    {
        var options = Options(workers: 2);
        options.Validation = new ValidationStreamOptions { Seed = 77, Augment = true, Fresh = true };

        var epoch0 = await PairStream.TakeAsync(Classes, options, StreamSettings.Validation(options, 0), 4, CancellationToken.None);
        var epoch1 = await PairStream.TakeAsync(Classes, options, StreamSettings.Validation(options, 1), 4, CancellationToken.None);
        var epoch1Again = await PairStream.TakeAsync(Classes, options, StreamSettings.Validation(options, 1), 4, CancellationToken.None);

        AssertSameBatches(epoch1, epoch1Again);
        Assert.NotEqual(epoch0[0].Left, epoch1[0].Left);
        Assert.NotEqual(epoch0.SelectMany(b => b.LeftClasses), epoch1.SelectMany(b => b.LeftClasses));
    }

    [Fact]
    public async Task TakeAsync_ValidationNotFresh_SameBatchesEveryEpoch()
    {
        var options = Options(workers: 2);
        options.Validation = new ValidationStreamOptions { Seed = 77, Augment = true };

        var epoch0 = await PairStream.TakeAsync(Classes, options, StreamSettings.Validation(options, 0), 4, CancellationToken.None);
        var epoch1 = await PairStream.TakeAsync(Classes, options, StreamSettings.Validation(options, 1), 4, CancellationToken.None);

        AssertSameBatches(epoch0, epoch1);
    }

    private static PipelineOptions Options(int workers) => new()
    {
        BatchSize = 5,
        ProducerCapacity = 2,
        BlockSize = 3,
        BatchCapacity = 2,
        Workers = workers,
        Seed = 11,
        Augmentation = new AugmentationOptions { RotationRange = 20, ShearRange = 5, ZoomRange = 0.2, HorizontalFlip = true },
    };

    /// <summary>Reads <paramref name="count"/> batches, copying each before returning it to the pool.</summary>
    private static async Task<PairBatch[]> ReadAsync(IReadOnlyList<ImageClass> classes, PipelineOptions options, StreamSettings settings, long skip, int count)
    {
        await using var stream = PairStream.Start(classes, options, settings, skip, CancellationToken.None);
        var copies = new PairBatch[count];
        for (int b = 0; b < count; b++)
        {
            var batch = await stream.Batches.ReadAsync();
            var copy = new PairBatch(batch.Capacity, batch.ImageSize) { Count = batch.Count };
            batch.Left.CopyTo(copy.Left, 0);
            batch.Right.CopyTo(copy.Right, 0);
            batch.Labels.CopyTo(copy.Labels, 0);
            batch.LeftClasses.CopyTo(copy.LeftClasses, 0);
            batch.RightClasses.CopyTo(copy.RightClasses, 0);
            stream.Pool.Return(batch);
            copies[b] = copy;
        }

        return copies;
    }

    private static void AssertSameBatches(IReadOnlyList<PairBatch> expected, IReadOnlyList<PairBatch> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int b = 0; b < expected.Count; b++)
        {
            Assert.Equal(expected[b].Count, actual[b].Count);
            Assert.Equal(expected[b].LeftClasses, actual[b].LeftClasses);
            Assert.Equal(expected[b].RightClasses, actual[b].RightClasses);
            Assert.Equal(expected[b].Labels, actual[b].Labels);
            Assert.Equal(expected[b].Left, actual[b].Left);
            Assert.Equal(expected[b].Right, actual[b].Right);
        }
    }
}
