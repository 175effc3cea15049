using System.Threading.Channels;

namespace Siamese.Pipeline.Tests;

public sealed class PairingStageTests
{
    private const int ImageSize = 4;
    private static readonly int[] Digits = [0, 1, 2, 3, 4];

    [Fact]
    public async Task RunAsync_OddBatch_BalancedLabelledPairsInProducerOrder()
    {
        using var cts = new CancellationTokenSource();
        var (requests, inputs, feeders) = Feed(capacity: 1, cts.Token);
        var output = Channel.CreateBounded<PairBatch>(1);
        var pool = new PairBatchPool(7, ImageSize);
        var run = new PairingStage(Digits, new PairSampler(new Random(1), Digits.Length, 7), pool, blockSize: 1, lookahead: 1).RunAsync(requests, inputs, output.Writer, cts.Token);
        var nextSequence = new int[Digits.Length];

        for (int b = 0; b < 200; b++)
        {
            var batch = await output.Reader.ReadAsync();
            Assert.Equal(7, batch.Count);
            Assert.Equal([1f, 1, 1, 1, 0, 0, 0], batch.Labels);
            for (int i = 0; i < batch.Count; i++)
            {
                Assert.Equal(i < 4, batch.LeftClasses[i] == batch.RightClasses[i]);
                foreach (var (pixels, digit) in new[] { (batch.Left, batch.LeftClasses[i]), (batch.Right, batch.RightClasses[i]) })
                {
                    var image = pixels.AsSpan(i * ImageSize, ImageSize);
                    Assert.Equal(digit, (int)image[0]);
                    Assert.Equal(nextSequence[digit]++, (int)image[1]);
                }
            }

            pool.Return(batch);
        }

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        await Task.WhenAll(feeders).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    [Fact]
    public async Task RunAsync_SameSeedDifferentBlockingAndCapacity_SameBatches()
    {
        var first = await ReadBatchesAsync(seed: 2, blockSize: 1, capacity: 1, batches: 100);
        var second = await ReadBatchesAsync(seed: 2, blockSize: 5, capacity: 3, batches: 100);
        var otherSeed = await ReadBatchesAsync(seed: 3, blockSize: 1, capacity: 1, batches: 100);

        Assert.Equal(first, second);
        Assert.NotEqual(first, otherSeed);
    }

    [Fact]
    public async Task RunAsync_InputFails_OutputCompletesWithTheSameException()
    {
        using var cts = new CancellationTokenSource();
        var (requests, inputs, feeders) = Feed(capacity: 1, cts.Token, failingDigit: 2, failAfter: 10);
        var output = Channel.CreateBounded<PairBatch>(1);
        var pool = new PairBatchPool(6, ImageSize);
        var run = new PairingStage(Digits, new PairSampler(new Random(4), Digits.Length, 6), pool, blockSize: 1, lookahead: 1).RunAsync(requests, inputs, output.Writer, cts.Token);

        var read = await Assert.ThrowsAsync<ChannelClosedException>(async () =>
        {
            while (true)
            {
                pool.Return(await output.Reader.ReadAsync());
            }
        });

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => output.Reader.Completion);
        Assert.Equal("producer 2 failed", failure.Message);
        Assert.Same(failure, read.InnerException);
        Assert.Same(failure, await Assert.ThrowsAsync<InvalidOperationException>(() => run));
        await cts.CancelAsync();
        await Task.WhenAll(feeders).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    [Fact]
    public async Task RunAsync_Cancelled_OutputCompletesAsCancelled()
    {
        using var cts = new CancellationTokenSource();
        var (requests, inputs, feeders) = Feed(capacity: 1, cts.Token);
        var output = Channel.CreateBounded<PairBatch>(1);
        var run = new PairingStage(Digits, new PairSampler(new Random(5), Digits.Length, 4), new PairBatchPool(4, ImageSize), blockSize: 1, lookahead: 1).RunAsync(requests, inputs, output.Writer, cts.Token);
        await output.Reader.WaitToReadAsync();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var batch in output.Reader.ReadAllAsync())
            {
            }
        });
        await Task.WhenAll(feeders).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    [Fact]
    public async Task RunAsync_InputCompletes_OutputCompletes()
    {
        var inputs = Digits.Select(d =>
        {
            var channel = Channel.CreateBounded<ImageBlock>(1);
            channel.Writer.Complete();
            return channel.Reader;
        }).ToArray();
        var requests = Digits.Select(_ => Channel.CreateUnbounded<ImageBlock>()).ToArray();
        var output = Channel.CreateBounded<PairBatch>(1);

        await new PairingStage(Digits, new PairSampler(new Random(6), Digits.Length, 4), new PairBatchPool(4, ImageSize), blockSize: 1, lookahead: 1).RunAsync(requests.Select(r => r.Writer).ToArray(), inputs, output.Writer, CancellationToken.None);

        Assert.False(await output.Reader.WaitToReadAsync());
        Assert.All(requests, r => Assert.False(r.Writer.TryWrite(new ImageBlock(null, 1, ImageSize))));
    }

    [Fact]
    public async Task RunAsync_OutputOfCapacityOneFull_WaitsAndDropsNothing()
    {
        using var cts = new CancellationTokenSource();
        var (requests, inputs, feeders) = Feed(capacity: 1, cts.Token);
        var output = Channel.CreateBounded<PairBatch>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.Wait });
        var writer = new WaitSignallingWriter<PairBatch>(output.Writer);
        var pool = new PairBatchPool(4, ImageSize);
        var run = new PairingStage(Digits, new PairSampler(new Random(7), Digits.Length, 4), pool, blockSize: 1, lookahead: 1).RunAsync(requests, inputs, writer, cts.Token);
        await writer.Waiting.WaitAsync(TimeSpan.FromMinutes(1));   // fails rather than hangs if the stage never waits

        Assert.Equal(1, output.Reader.Count);
        Assert.False(run.IsCompleted);
        var nextSequence = new int[Digits.Length];
        for (int b = 0; b < 50; b++)
        {
            var batch = await output.Reader.ReadAsync();
            for (int i = 0; i < batch.Count; i++)
            {
                Assert.Equal(nextSequence[batch.LeftClasses[i]]++, (int)batch.Left[i * ImageSize + 1]);
                Assert.Equal(nextSequence[batch.RightClasses[i]]++, (int)batch.Right[i * ImageSize + 1]);
            }

            pool.Return(batch);
        }

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        await Task.WhenAll(feeders).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    [Fact]
    public async Task RunAsync_RequestsBlocksOfAtMostBlockSize_AndPlansOnlyTheLookahead()
    {
        using var cts = new CancellationTokenSource();
        var requests = Digits.Select(_ => Channel.CreateUnbounded<ImageBlock>()).ToArray();
        var inputs = Digits.Select(_ => Channel.CreateBounded<ImageBlock>(1).Reader).ToArray();
        var output = Channel.CreateBounded<PairBatch>(1);
        var run = new PairingStage(Digits, new PairSampler(new Random(8), Digits.Length, 9), new PairBatchPool(9, ImageSize), blockSize: 2, lookahead: 3)
            .RunAsync(requests.Select(r => r.Writer).ToArray(), inputs, output.Writer, cts.Token);

        // Nobody fills the slots: the stage planned three batches before its first wait, and waits for the first.
        var blocks = new List<ImageBlock>();
        foreach (var request in requests)
        {
            while (request.Reader.TryRead(out var block))
            {
                blocks.Add(block);
            }
        }

        Assert.Equal(3 * 2 * 9, blocks.Sum(b => b.Count));
        Assert.All(blocks, b => Assert.InRange(b.Count, 1, 2));
        Assert.False(run.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    /// <summary>Reads batches and reduces each to (digits, per-image sequence numbers, labels).</summary>
    private static async Task<List<string>> ReadBatchesAsync(int seed, int blockSize, int capacity, int batches)
    {
        using var cts = new CancellationTokenSource();
        var (requests, inputs, feeders) = Feed(capacity, cts.Token);
        var output = Channel.CreateBounded<PairBatch>(capacity);
        var pool = new PairBatchPool(9, ImageSize);
        var run = new PairingStage(Digits, new PairSampler(new Random(seed), Digits.Length, 9), pool, blockSize, lookahead: capacity).RunAsync(requests, inputs, output.Writer, cts.Token);
        var result = new List<string>();
        for (int b = 0; b < batches; b++)
        {
            var batch = await output.Reader.ReadAsync();
            result.Add(string.Join(",", Enumerable.Range(0, batch.Count).Select(i =>
                $"{batch.Left[i * ImageSize]}:{batch.Left[i * ImageSize + 1]}/{batch.Right[i * ImageSize]}:{batch.Right[i * ImageSize + 1]}={batch.Labels[i]}")));
            pool.Return(batch);
        }

        await cts.CancelAsync();
        await Task.WhenAll([run, .. feeders]).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        return result;
    }

    /// <summary>
    /// One producer per digit, filling each requested slot with an image whose first pixel is the digit and second its
    /// sequence number; optionally one fails after some images.
    /// </summary>
    private static (ChannelWriter<ImageBlock>[] Requests, ChannelReader<ImageBlock>[] Inputs, Task[] Feeders) Feed(int capacity, CancellationToken ct, int failingDigit = -1, int failAfter = 0)
    {
        var requests = new ChannelWriter<ImageBlock>[Digits.Length];
        var inputs = new ChannelReader<ImageBlock>[Digits.Length];
        var feeders = new Task[Digits.Length];
        foreach (int digit in Digits)
        {
            var request = Channel.CreateUnbounded<ImageBlock>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            var channel = Channel.CreateBounded<ImageBlock>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true });
            requests[digit] = request.Writer;
            inputs[digit] = channel.Reader;
            feeders[digit] = Task.Run(async () =>
            {
                Exception? error = null;
                try
                {
                    int sequence = 0;
                    await foreach (var block in request.Reader.ReadAllAsync(ct))
                    {
                        for (int i = 0; i < block.Count; i++, sequence++)
                        {
                            if (digit == failingDigit && sequence == failAfter)
                            {
                                throw new InvalidOperationException($"producer {digit} failed");
                            }

                            block.Image(i)[0] = digit;
                            block.Image(i)[1] = sequence;
                        }

                        await channel.Writer.WriteAsync(block, ct);
                    }
                }
                catch (Exception e)
                {
                    error = e;
                    throw;
                }
                finally
                {
                    channel.Writer.TryComplete(error);
                }
            });
        }

        return (requests, inputs, feeders);
    }
}
