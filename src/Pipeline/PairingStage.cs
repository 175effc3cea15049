using System.Threading.Channels;

namespace Siamese.Pipeline;

/// <summary>
/// The pairing stage: plans balanced batches of pairs, has each class's producer augment that class's images straight
/// into the batch, reads the filled slots back from the producers' channels, and writes finished batches in order.
/// </summary>
/// <remarks>
/// <para>
/// Planning a batch draws its classes from the <see cref="PairSampler"/> and walks its pairs in order, left image then
/// right, giving each image the next slot of its class: the slots go to the class's producer as blocks of at most
/// <c>blockSize</c>, sent as they fill and at the end of the batch. Up to <c>lookahead</c> batches are planned ahead,
/// so the producers keep working while the oldest batch is finished. A batch is written once every block planned for
/// it has come back through its class's channel (channels are first in, first out, so the blocks of older batches
/// come first).
/// </para>
/// <para>
/// Batches are deterministic for a seed whatever the thread timing: the sampler's generator alone decides which class
/// each slot belongs to, and each producer fills its slots in request order with a sequence fixed by its own
/// generator, so timing only changes when an image is written, never which image goes where. This is the same
/// assignment as reading every class's images in order and copying them into the batch.
/// </para>
/// <para>
/// The stage completes its output when it ends: with the input's exception if an input failed, with the
/// cancellation if cancelled, and normally if an input completed normally (the unfinished batches are dropped). It
/// completes every request channel too, so producers waiting for work stop.
/// </para>
/// </remarks>
internal sealed class PairingStage
{
    private readonly IReadOnlyList<int> _digits;
    private readonly PairSampler _sampler;
    private readonly PairBatchPool _pool;
    private readonly ImageBlockPool _blocks;
    private readonly int _lookahead;
    private readonly ImageBlock?[] _filling;
    private readonly int[] _left;
    private readonly int[] _right;
    private readonly Queue<Planned> _planned = new();
    private readonly Stack<int[]> _freeCounts = new();
    private long _produced;

    /// <param name="digits">The digit of each class, in the order of the request and input channels.</param>
    /// <param name="blockSize">Most slots in one request to a producer.</param>
    /// <param name="lookahead">Batches planned and in the producers' hands at once, at least 1.</param>
    public PairingStage(IReadOnlyList<int> digits, PairSampler sampler, PairBatchPool pool, int blockSize, int lookahead)
    {
        ArgumentNullException.ThrowIfNull(digits);
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lookahead);
        if (digits.Count != sampler.ClassCount || pool.BatchSize != sampler.BatchSize)
        {
            throw new ArgumentException("Digits, sampler and pool disagree on class count or batch size.");
        }

        _digits = digits;
        _sampler = sampler;
        _pool = pool;
        _blocks = new ImageBlockPool(Math.Min(blockSize, 2 * sampler.BatchSize), pool.ImageSize);
        _lookahead = lookahead;
        _filling = new ImageBlock?[digits.Count];
        _left = new int[sampler.BatchSize];
        _right = new int[sampler.BatchSize];
    }

    /// <summary>Batches written so far.</summary>
    public long Produced => Interlocked.Read(ref _produced);

    public async Task RunAsync(IReadOnlyList<ChannelWriter<ImageBlock>> requests, IReadOnlyList<ChannelReader<ImageBlock>> inputs, ChannelWriter<PairBatch> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(output);
        Exception? error = null;
        try
        {
            if (requests.Count != _digits.Count || inputs.Count != _digits.Count)
            {
                throw new ArgumentException($"Expected {_digits.Count} request and input channels, got {requests.Count} and {inputs.Count}.", nameof(inputs));
            }

            while (true)
            {
                while (_planned.Count < _lookahead)
                {
                    _planned.Enqueue(Plan(requests));
                }

                var oldest = _planned.Peek();
                for (int cls = 0; cls < oldest.Blocks.Length; cls++)
                {
                    for (; oldest.Blocks[cls] > 0; oldest.Blocks[cls]--)
                    {
                        if (!await TakeFilledAsync(inputs[cls], cancellationToken))
                        {
                            return;
                        }
                    }
                }

                _planned.Dequeue();
                _freeCounts.Push(oldest.Blocks);
                await output.WriteAsync(oldest.Batch, cancellationToken);
                Interlocked.Increment(ref _produced);
            }
        }
        catch (Exception e)
        {
            error = e;
            throw;
        }
        finally
        {
            // Planned batches are dropped, not returned to the pool: producers may still be writing into them.
            output.TryComplete(error);
            foreach (var request in requests)
            {
                request.TryComplete();
            }
        }
    }

    /// <summary>Draws the next batch's classes, rents it, labels it and sends its slots to the producers.</summary>
    private Planned Plan(IReadOnlyList<ChannelWriter<ImageBlock>> requests)
    {
        _sampler.Next(_left, _right);
        var batch = _pool.Rent();
        var blocks = _freeCounts.TryPop(out var counts) ? counts : new int[_digits.Count];
        int imageSize = batch.ImageSize;
        for (int i = 0; i < _sampler.BatchSize; i++)
        {
            Assign(requests, blocks, _left[i], batch.Left, i * imageSize);
            Assign(requests, blocks, _right[i], batch.Right, i * imageSize);
            batch.LeftClasses[i] = _digits[_left[i]];
            batch.RightClasses[i] = _digits[_right[i]];
            batch.Labels[i] = i < _sampler.Positives ? 1f : 0f;
        }

        for (int cls = 0; cls < _filling.Length; cls++)
        {
            if (_filling[cls] is { } partial)
            {
                Send(requests, blocks, cls, partial);
            }
        }

        batch.Count = _sampler.BatchSize;
        return new Planned(batch, blocks);
    }

    private void Assign(IReadOnlyList<ChannelWriter<ImageBlock>> requests, int[] blocks, int cls, float[] pixels, int offset)
    {
        var block = _filling[cls] ??= _blocks.Rent();
        block.Add(pixels, offset);
        if (block.IsFull)
        {
            Send(requests, blocks, cls, block);
        }
    }

    private void Send(IReadOnlyList<ChannelWriter<ImageBlock>> requests, int[] blocks, int cls, ImageBlock block)
    {
        // Request channels are unbounded: the lookahead bounds what is in them.
        if (!requests[cls].TryWrite(block))
        {
            throw new InvalidOperationException($"The request channel of digit {_digits[cls]} refused a block.");
        }

        _filling[cls] = null;
        blocks[cls]++;
    }

    /// <returns>False when the class's input completed normally.</returns>
    private static async ValueTask<bool> TakeFilledAsync(ChannelReader<ImageBlock> input, CancellationToken cancellationToken)
    {
        // WaitToReadAsync rethrows the producer's own exception; ReadAsync would wrap it.
        ImageBlock? block;
        while (!input.TryRead(out block))
        {
            if (!await input.WaitToReadAsync(cancellationToken))
            {
                return false;
            }
        }

        block.Release();
        return true;
    }

    /// <summary>A planned batch and, per class, how many of its blocks have not come back yet.</summary>
    private readonly record struct Planned(PairBatch Batch, int[] Blocks);
}
