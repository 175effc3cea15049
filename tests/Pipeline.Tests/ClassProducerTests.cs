using System.Threading.Channels;

namespace Siamese.Pipeline.Tests;

public sealed class ClassProducerTests
{
    private const int Images = 12;
    private const int Side = 8;

    [Fact]
    public void Next_TwoPasses_EmitEveryImageOncePerPassInNewOrder()
    {
        var producer = NumberedProducer(seed: 1);

        var first = Enumerable.Range(0, Images).Select(_ => NextId(producer)).ToArray();
        var second = Enumerable.Range(0, Images).Select(_ => NextId(producer)).ToArray();

        Assert.Equal(Enumerable.Range(0, Images), first.Order());
        Assert.Equal(Enumerable.Range(0, Images), second.Order());
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Next_SameSeed_SameSequence()
    {
        var a = AugmentingProducer(seed: 2);
        var b = AugmentingProducer(seed: 2);

        for (int i = 0; i < 30; i++)
        {
            Assert.Equal(NextImage(a), NextImage(b));
        }
    }

    [Fact]
    public void Skip_ThenNext_ContinuesTheUninterruptedSequence()
    {
        var uninterrupted = AugmentingProducer(seed: 3);
        var resumed = AugmentingProducer(seed: 3);
        for (int i = 0; i < 29; i++)
        {
            NextImage(uninterrupted);
        }

        resumed.Skip(29);

        Assert.Equal(29, resumed.Produced);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(NextImage(uninterrupted), NextImage(resumed));
        }
    }

    [Fact]
    public async Task RunAsync_FullChannelOfCapacityOne_WaitsAndDropsNothing()
    {
        var producer = NumberedProducer(seed: 4);
        var channel = Channel.CreateBounded<ImageBlock>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.Wait });
        var writer = new WaitSignallingWriter<ImageBlock>(channel.Writer);
        using var workers = new SemaphoreSlim(1);
        using var cts = new CancellationTokenSource();
        var run = producer.RunAsync(Requests(blocks: 3 * Images, blockSize: 1, complete: false), writer, workers, 0, cts.Token);

        await writer.Waiting.WaitAsync(TimeSpan.FromMinutes(1));   // fails rather than hangs if the stage never waits
        Assert.False(run.IsCompleted);
        Assert.Equal(1, channel.Reader.Count);
        Assert.InRange(producer.Produced, 1, 2); // one block waiting in the channel, at most one more in hand

        for (int pass = 0; pass < 3; pass++)
        {
            var ids = new List<int>();
            while (ids.Count < Images)
            {
                var block = await channel.Reader.ReadAsync();
                for (int i = 0; i < block.Count; i++)
                {
                    ids.Add(Id(block.Image(i)));
                }

                block.Release();
            }

            Assert.Equal(Enumerable.Range(0, Images), ids.Order());
        }

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task RunAsync_Cancelled_StopsAndCompletesChannel()
    {
        var producer = NumberedProducer(seed: 5);
        var channel = Channel.CreateBounded<ImageBlock>(1);
        using var workers = new SemaphoreSlim(1);
        using var cts = new CancellationTokenSource();
        var run = producer.RunAsync(Requests(blocks: 100, blockSize: 1, complete: false), channel.Writer, workers, 0, cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DrainAsync(channel.Reader));
        Assert.Equal(1, workers.CurrentCount);
    }

    [Fact]
    public async Task RunAsync_RequestsComplete_FillsEverySlotAndCompletesOutput()
    {
        var producer = NumberedProducer(seed: 8);
        var channel = Channel.CreateBounded<ImageBlock>(10);
        using var workers = new SemaphoreSlim(1);

        await producer.RunAsync(Requests(blocks: 3, blockSize: 4), channel.Writer, workers, 0, CancellationToken.None);

        var ids = new List<int>();
        await foreach (var block in channel.Reader.ReadAllAsync())
        {
            ids.AddRange(Enumerable.Range(0, block.Count).Select(i => Id(block.Image(i))));
        }

        Assert.Equal(Enumerable.Range(0, Images), ids.Order());
        Assert.Equal(Images, producer.Produced);
    }

    [Fact]
    public async Task RunAsync_WriteFails_CompletesOutputWithTheException()
    {
        var producer = NumberedProducer(seed: 6);
        var output = new FailingWriter();
        using var workers = new SemaphoreSlim(1);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => producer.RunAsync(Requests(blocks: 1, blockSize: 1), output, workers, 0, CancellationToken.None));

        Assert.Same(error, output.CompletedWith);
    }

    [Fact]
    public async Task RunAsync_Skip_StartsAfterTheSkippedImages()
    {
        var reference = NumberedProducer(seed: 7);
        var expected = Enumerable.Range(0, 2 * Images).Select(_ => NextId(reference)).ToArray()[17..22];
        var producer = NumberedProducer(seed: 7);
        var channel = Channel.CreateBounded<ImageBlock>(2);
        using var workers = new SemaphoreSlim(1);
        using var cts = new CancellationTokenSource();
        var run = producer.RunAsync(Requests(blocks: 3, blockSize: 5, complete: false), channel.Writer, workers, 17, cts.Token);

        var block = await channel.Reader.ReadAsync();

        Assert.Equal(expected, Enumerable.Range(0, block.Count).Select(i => Id(block.Image(i))));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    private static async Task DrainAsync(ChannelReader<ImageBlock> reader)
    {
        await foreach (var block in reader.ReadAllAsync())
        {
            block.Release();
        }
    }

    private static ClassProducer NumberedProducer(int seed) =>
        new(TestDigits.Numbered(3, Images, Side, Side), Augmenter.RescaleOnly(1, Side, Side), new Random(seed));

    private static ClassProducer AugmentingProducer(int seed) =>
        new(TestDigits.Random(4, Images, 28, 28, seed: 99), new Augmenter(new AugmentationOptions(), 28, 28), new Random(seed));

    /// <summary>Requests as the pairing stage sends them: blocks of slots, here in fresh arrays of their own.</summary>
    private static ChannelReader<ImageBlock> Requests(int blocks, int blockSize, bool complete = true)
    {
        var channel = Channel.CreateUnbounded<ImageBlock>();
        for (int b = 0; b < blocks; b++)
        {
            var block = new ImageBlock(null, blockSize, Side * Side);
            var pixels = new float[blockSize * Side * Side];
            for (int i = 0; i < blockSize; i++)
            {
                block.Add(pixels, i * Side * Side);
            }

            channel.Writer.TryWrite(block);
        }

        if (complete)
        {
            channel.Writer.Complete();
        }

        return channel.Reader;
    }

    private static float[] NextImage(ClassProducer producer)
    {
        var image = new float[28 * 28];
        producer.Next(image);
        return image;
    }

    private static int NextId(ClassProducer producer)
    {
        var image = new float[Side * Side];
        producer.Next(image);
        return Id(image);
    }

    private static int Id(ReadOnlySpan<float> image) => (int)image[0] - 1;

    private sealed class FailingWriter : ChannelWriter<ImageBlock>
    {
        public Exception? CompletedWith { get; private set; }

        public override bool TryWrite(ImageBlock item) => throw new InvalidOperationException("sink failed");

        public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) => new(true);

        public override bool TryComplete(Exception? error = null)
        {
            CompletedWith = error;
            return true;
        }
    }
}
