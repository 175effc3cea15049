using System.Threading.Channels;
using Siamese.Pipeline.Data;

namespace Siamese.Pipeline;

/// <summary>
/// A running pipeline: one <see cref="ClassProducer"/> per class, each augmenting into the batch slots the
/// <see cref="PairingStage"/> asks for and handing them back through its own bounded channel, and the pairing stage
/// writing finished batches into the bounded <see cref="Batches"/> channel. The stream is endless; read as many
/// batches as needed, return each to <see cref="Pool"/>, and dispose the stream to stop it.
/// </summary>
/// <remarks>
/// A producer's failure reaches the reader as the exception from <see cref="Batches"/> and from
/// <see cref="Completion"/>; cancellation completes both as cancelled. Once <see cref="Completion"/> has finished,
/// which <see cref="DisposeAsync"/> waits for, no stage task is running.
/// </remarks>
public sealed class PairStream : IBatchStream
{
    private readonly CancellationTokenSource _stop;
    private readonly SemaphoreSlim _workers;

    private readonly ChannelReader<ImageBlock>[] _digitQueues;
    private readonly int[] _digits;
    private readonly PipelineMeter _meter;

    private PairStream(ChannelReader<PairBatch> batches, PairBatchPool pool, Task completion, IReadOnlyList<Task> stages, CancellationTokenSource stop, SemaphoreSlim workers, ChannelReader<ImageBlock>[] digitQueues, int[] digits, PipelineMeter meter)
    {
        _meter = meter;
        _digitQueues = digitQueues;
        _digits = digits;
        Batches = batches;
        Pool = pool;
        Completion = completion;
        StageTasks = stages;
        _stop = stop;
        _workers = workers;
    }

    public ChannelReader<PairBatch> Batches { get; }

    /// <summary>Items waiting in the batch channel and in each digit's channel, e.g. "batches 8, digits 0:4 1:3 …".</summary>
    /// <summary>The queues' depths for the log: each class's when there are few (MNIST's ten), else how many and their range.</summary>
    public string DescribeQueues()
    {
        if (_digits.Length <= 12)
        {
            return $"batches {Batches.Count}, classes {string.Join(' ', _digits.Select((d, i) => $"{d}:{_digitQueues[i].Count}"))}";
        }

        var depths = _digitQueues.Select(q => q.Count).ToArray();
        return $"batches {Batches.Count}, {depths.Length} class queues holding {depths.Min()} to {depths.Max()} blocks ({depths.Sum()} in all)";
    }

    public PairBatchPool Pool { get; }

    /// <summary>Returns <paramref name="batch"/> to <see cref="Pool"/>.</summary>
    public void Return(PairBatch batch) => Pool.Return(batch);

    /// <summary>Finishes when every stage has stopped: faulted with the first failure, or cancelled.</summary>
    public Task Completion { get; }

    internal IReadOnlyList<Task> StageTasks { get; }

    /// <summary>
    /// Starts the stages over <paramref name="classes"/> (one <see cref="ImageClass"/> per class, at least two, same
    /// image shape). With <paramref name="skipBatches"/> = k the stream yields exactly what an uninterrupted stream
    /// with the same settings yields from batch k on: the pairing generator is replayed for k batches to count each
    /// class's images, and each producer replays its shuffles and parameter draws for that many images, with no pixel
    /// work.
    /// </summary>
    public static PairStream Start(IReadOnlyList<ImageClass> classes, PipelineOptions options, StreamSettings stream, long skipBatches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(skipBatches);
        ValidateClasses(classes);

        int height = classes[0].Height;
        int width = classes[0].Width;
        var sampler = new PairSampler(new Random(SeedDerivation.Derive(stream.Seed, SeedDerivation.PairingStream)), classes.Count, options.BatchSize, options.SortDifferentPairs);
        var demand = new long[classes.Count];
        sampler.Skip(skipBatches, demand);

        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = stop.Token;
        var workers = new SemaphoreSlim(options.Workers, options.Workers);
        var requests = new ChannelWriter<ImageBlock>[classes.Count];
        var readers = new ChannelReader<ImageBlock>[classes.Count];
        var producers = new Task[classes.Count];
        var producerStages = new ClassProducer[classes.Count];
        for (int i = 0; i < classes.Count; i++)
        {
            var set = classes[i];
            var augmenter = stream.Augment
                ? new Augmenter(options.Augmentation, height, width)
                : Augmenter.RescaleOnly(options.Augmentation.Rescale, height, width);
            var producer = new ClassProducer(set, augmenter, new Random(SeedDerivation.Derive(stream.Seed, set.Label)));
            producerStages[i] = producer;
            var request = Channel.CreateUnbounded<ImageBlock>(new UnboundedChannelOptions { SingleWriter = true, SingleReader = true });
            var channel = Channel.CreateBounded<ImageBlock>(new BoundedChannelOptions(options.ProducerCapacity)
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleWriter = true,
                SingleReader = true,
            });
            requests[i] = request.Writer;
            readers[i] = channel.Reader;
            long skipImages = demand[i];
            producers[i] = Task.Run(() => producer.RunAsync(request.Reader, channel.Writer, workers, skipImages, token));
        }

        var pool = new PairBatchPool(options.BatchSize, height * width);
        var batches = Channel.CreateBounded<PairBatch>(new BoundedChannelOptions(options.BatchCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = true,
        });
        var stage = new PairingStage(classes.Select(c => c.Label).ToArray(), sampler, pool, options.BlockSize, options.ProducerCapacity, PairingStage.RoundBatches(classes.Count, options.BatchSize, height * width));
        var pairing = Task.Run(() => stage.RunAsync(requests, readers, batches.Writer, token));

        var meter = new PipelineMeter(producerStages, readers, stage, batches.Reader);
        var completion = SuperviseAsync(pairing, producers, stop);
        return new PairStream(batches.Reader, pool, completion, [pairing, .. producers], stop, workers, readers, [.. classes.Select(c => c.Label)], meter);
    }

    /// <summary>
    /// Reads the first <paramref name="count"/> batches of a fresh stream and stops it. The batches belong to the
    /// caller. With <see cref="StreamSettings.Validation"/> this is the fixed validation set, the same every call.
    /// </summary>
    public static async Task<IReadOnlyList<PairBatch>> TakeAsync(IReadOnlyList<ImageClass> classes, PipelineOptions options, StreamSettings stream, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        await using var pairs = Start(classes, options, stream, 0, cancellationToken);
        var result = new PairBatch[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = await pairs.Batches.ReadAsync(cancellationToken);
        }

        return result;
    }

    /// <summary>Stops every stage and waits for them; failures are left to <see cref="Completion"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Completion.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _meter.Dispose();
        _stop.Dispose();
        _workers.Dispose();
    }

    /// <summary>The pairing stage ends first (fault, cancellation or disposal); then the producers are stopped.</summary>
    private static async Task SuperviseAsync(Task pairing, Task[] producers, CancellationTokenSource stop)
    {
        try
        {
            await pairing;
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(producers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static void ValidateClasses(IReadOnlyList<ImageClass> classes)
    {
        if (classes.Count < 2)
        {
            throw new ArgumentException($"Pairs need at least two classes, got {classes.Count}.", nameof(classes));
        }

        var digits = new HashSet<int>();
        foreach (var set in classes)
        {
            ArgumentNullException.ThrowIfNull(set, nameof(classes));
            if (set.Height != classes[0].Height || set.Width != classes[0].Width)
            {
                throw new ArgumentException($"Digit {set.Label} has {set.Height}x{set.Width} images, digit {classes[0].Label} {classes[0].Height}x{classes[0].Width}.", nameof(classes));
            }

            if (set.Count == 0)
            {
                throw new ArgumentException($"Digit {set.Label} has no images.", nameof(classes));
            }

            if (!digits.Add(set.Label))
            {
                throw new ArgumentException($"Digit {set.Label} appears twice.", nameof(classes));
            }
        }
    }
}
