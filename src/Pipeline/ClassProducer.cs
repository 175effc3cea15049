using System.Runtime.Intrinsics.X86;
using System.Threading.Channels;
using Siamese.Pipeline.Data;

namespace Siamese.Pipeline;

/// <summary>
/// The producer stage for one digit: walks the digit's images in a shuffled order, reshuffled on every pass, augments
/// each into the next slot the pairing stage asked for, and writes each filled block to its own bounded channel.
/// </summary>
/// <remarks>
/// The image sequence depends only on the generator it is given: a pass starts with a shuffle, then every image
/// takes one parameter draw. <see cref="Skip"/> replays exactly those draws without pixel work, so a producer can be
/// started where an earlier run stopped.
/// </remarks>
internal sealed class ClassProducer
{
    private readonly ImageClass _images;
    private readonly Augmenter _augmenter;
    private readonly Random _random;
    private readonly int[] _order;
    private int _cursor;
    private long _produced;

    public ClassProducer(ImageClass images, Augmenter augmenter, Random random)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(augmenter);
        ArgumentNullException.ThrowIfNull(random);
        if (images.Count == 0)
        {
            throw new ArgumentException($"Class {images.Name} has no images.", nameof(images));
        }

        if (augmenter.Height != images.Height || augmenter.Width != images.Width)
        {
            throw new ArgumentException($"Augmenter is for {augmenter.Height}x{augmenter.Width} images, class {images.Name} has {images.Height}x{images.Width}.", nameof(augmenter));
        }

        _images = images;
        _augmenter = augmenter;
        _random = random;
        _order = new int[images.Count];
        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }

        _cursor = _order.Length;
    }

    public int Label => _images.Label;

    /// <summary>Images produced or skipped so far.</summary>
    public long Produced => Volatile.Read(ref _produced);

    public void Skip(long images)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(images);
        for (long i = 0; i < images; i++)
        {
            NextIndex();
            _augmenter.Draw(_random);
        }

        Volatile.Write(ref _produced, _produced + images);
    }

    public void Next(Span<float> destination)
    {
        int index = NextIndex();
        var parameters = _augmenter.Draw(_random);
        if (_cursor < _order.Length)
        {
            // The walk is shuffled, so the next source image is usually not in cache: fetch it while this one is
            // augmented. A hint only; it changes no data.
            Prefetch(_images.Image(_order[_cursor]));
        }

        _augmenter.Apply(parameters, _images.Image(index), destination);
        Volatile.Write(ref _produced, _produced + 1);
    }

    private static unsafe void Prefetch(ReadOnlySpan<byte> image)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        fixed (byte* start = image)
        {
            for (int offset = 0; offset < image.Length; offset += 64)
            {
                Sse.Prefetch0(start + offset);
            }

            Sse.Prefetch0(start + image.Length - 1);
        }
    }

    /// <summary>
    /// Skips <paramref name="skipImages"/>, then, for each block read from <paramref name="requests"/>, augments its
    /// next images into the block's slots while holding a slot of <paramref name="workers"/>, and writes the block
    /// to <paramref name="output"/>. Ends when the requests complete or on cancellation, and completes
    /// <paramref name="output"/> on the way out, with the exception if any.
    /// </summary>
    public async Task RunAsync(ChannelReader<ImageBlock> requests, ChannelWriter<ImageBlock> output, SemaphoreSlim workers, long skipImages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(workers);
        Exception? error = null;
        try
        {
            Skip(skipImages);
            while (await requests.WaitToReadAsync(cancellationToken))
            {
                // One worker slot for every request waiting now (up to the pairing stage's lookahead), not one per
                // block: fewer semaphore waits, each of which allocates when the slot is taken. The slot is given up
                // before waiting on a full output channel, so a producer never holds it while others must run.
                await workers.WaitAsync(cancellationToken);
                bool holding = true;
                try
                {
                    while (requests.TryRead(out var block))
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        for (int i = 0; i < block.Count; i++)
                        {
                            Next(block.Image(i));
                        }

                        if (!output.TryWrite(block))
                        {
                            workers.Release();
                            holding = false;
                            await output.WriteAsync(block, cancellationToken);
                            break;
                        }
                    }
                }
                finally
                {
                    if (holding)
                    {
                        workers.Release();
                    }
                }
            }
        }
        catch (Exception e)
        {
            error = e;
            throw;
        }
        finally
        {
            output.TryComplete(error);
        }
    }

    private int NextIndex()
    {
        if (_cursor == _order.Length)
        {
            _random.Shuffle(_order);
            _cursor = 0;
        }

        return _order[_cursor++];
    }
}
