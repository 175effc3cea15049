using System.Threading.Channels;
using Siamese.Pipeline;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Tests;

/// <summary>Small learnable 28×28 "digits": class d lights a bar at row 2d, plus seeded noise.</summary>
internal static class SyntheticDigits
{
    public const int Side = 28;

    public static IReadOnlyList<ImageClass> Classes(int perClass, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 10).Select(d =>
        {
            var pixels = new byte[perClass * Side * Side];
            for (int i = 0; i < perClass; i++)
            {
                var image = pixels.AsSpan(i * Side * Side, Side * Side);
                for (int p = 0; p < image.Length; p++)
                {
                    image[p] = (byte)random.Next(40);
                }

                int row = (2 * d) + 3 + random.Next(2);
                image.Slice(row * Side, Side).Fill(255);
            }

            return new ImageClass(d, Side, Side, pixels);
        }).ToArray();
    }

    public static DatasetSplit Split(int perClass = 30) => new(Classes(perClass, 1), Classes(perClass / 2, 2), Classes(perClass / 2, 3));

    /// <summary>
    /// A fake batch source with no producers: batch k is built from a generator seeded with k, so any
    /// start position yields the same batches as an uninterrupted stream. Calls <paramref name="onBatch"/>
    /// with each batch index as it is delivered; <paramref name="alter"/>, when given, may change or replace batch k
    /// before it is delivered (to inject a fault at a known step).
    /// </summary>
    public static IBatchSource FakeStream(int batchSize, Action<long>? onBatch = null, Func<long, PairBatch, PairBatch>? alter = null) =>
        new FakeBatchSource((classes, skip, token) => new FakeStreamOf(batchSize, classes, skip, onBatch, alter, token));

    /// <summary>A batch source whose streams <paramref name="start"/> makes.</summary>
    public sealed class FakeBatchSource(Func<IReadOnlyList<ImageClass>, long, CancellationToken, IBatchStream> start) : IBatchSource
    {
        public IBatchStream Start(IReadOnlyList<ImageClass> classes, long skipBatches, CancellationToken cancellationToken) => start(classes, skipBatches, cancellationToken);
    }

    /// <summary>A stream over a channel the test controls.</summary>
    public sealed class ChannelStream(ChannelReader<PairBatch> batches, Func<ValueTask>? stop = null) : IBatchStream
    {
        public ChannelReader<PairBatch> Batches => batches;

        public int Returned { get; private set; }

        public void Return(PairBatch batch) => Returned++;

        public string DescribeQueues() => $"batches {batches.Count}";

        public ValueTask DisposeAsync() => stop?.Invoke() ?? ValueTask.CompletedTask;
    }

    private sealed class FakeStreamOf : IBatchStream
    {
        private readonly Channel<PairBatch> _channel = Channel.CreateBounded<PairBatch>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.Wait, SingleWriter = true });
        private readonly CancellationTokenSource _stop;
        private readonly Task _writer;

        public FakeStreamOf(int batchSize, IReadOnlyList<ImageClass> classes, long skip, Action<long>? onBatch, Func<long, PairBatch, PairBatch>? alter, CancellationToken token)
        {
            _stop = CancellationTokenSource.CreateLinkedTokenSource(token);
            _writer = Task.Run(async () =>
            {
                try
                {
                    for (long k = skip; ; k++)
                    {
                        var batch = new PairBatch(batchSize, Side * Side);
                        Fill(batch, classes, new Random((int)k));
                        await _channel.Writer.WriteAsync(alter is null ? batch : alter(k, batch), _stop.Token);
                        onBatch?.Invoke(k);
                    }
                }
                catch (OperationCanceledException)
                {
                }
                finally
                {
                    _channel.Writer.TryComplete();
                }
            });
        }

        public ChannelReader<PairBatch> Batches => _channel.Reader;

        public void Return(PairBatch batch)
        {
        }

        public string DescribeQueues() => $"batches {_channel.Reader.Count}";

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _writer;
            _stop.Dispose();
        }
    }

    private static void Fill(PairBatch batch, IReadOnlyList<ImageClass> classes, Random random)
    {
        int size = batch.ImageSize;
        int positives = (batch.Capacity + 1) / 2;
        for (int i = 0; i < batch.Capacity; i++)
        {
            int a = random.Next(classes.Count);
            int b = i < positives ? a : (a + 1 + random.Next(classes.Count - 1)) % classes.Count;
            Render(classes[a].Image(random.Next(classes[a].Count)), batch.Left.AsSpan(i * size, size));
            Render(classes[b].Image(random.Next(classes[b].Count)), batch.Right.AsSpan(i * size, size));
            batch.Labels[i] = a == b ? 1f : 0f;
            batch.LeftClasses[i] = classes[a].Label;
            batch.RightClasses[i] = classes[b].Label;
        }

        batch.Count = batch.Capacity;
    }

    private static void Render(ReadOnlySpan<byte> image, Span<float> output)
    {
        for (int p = 0; p < image.Length; p++)
        {
            output[p] = image[p] / 255f;
        }
    }
}
