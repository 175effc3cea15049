using System.Runtime.Intrinsics.X86;
using System.Threading.Channels;

namespace Siamese.Pipeline;

/// <summary>
/// The pairing stage: reads one channel of augmented images per class and writes balanced batches of pairs.
/// </summary>
/// <remarks>
/// Batches are deterministic for a seed whatever the thread timing: the <see cref="PairSampler"/>'s generator alone
/// decides which class channel the next image is read from, and each producer's channel carries a sequence fixed by
/// the producer's own generator, so timing only changes when an image arrives, never which image it is.
/// The stage completes its output when it ends: with the input's exception if an input failed, with the
/// cancellation if cancelled, and normally if an input completed normally (the partial batch is dropped).
/// </remarks>
internal sealed class PairingStage
{
    private readonly IReadOnlyList<int> _digits;
    private readonly PairSampler _sampler;
    private readonly PairBatchPool _pool;
    private readonly ImageBlock?[] _current;
    private readonly int[] _cursor;
    private readonly int[] _left;
    private readonly int[] _right;
    private long _produced;

    /// <param name="digits">The digit of each class, in the order of the input channels.</param>
    public PairingStage(IReadOnlyList<int> digits, PairSampler sampler, PairBatchPool pool)
    {
        ArgumentNullException.ThrowIfNull(digits);
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(pool);
        if (digits.Count != sampler.ClassCount || pool.BatchSize != sampler.BatchSize)
        {
            throw new ArgumentException("Digits, sampler and pool disagree on class count or batch size.");
        }

        _digits = digits;
        _sampler = sampler;
        _pool = pool;
        _current = new ImageBlock?[digits.Count];
        _cursor = new int[digits.Count];
        _left = new int[sampler.BatchSize];
        _right = new int[sampler.BatchSize];
    }

    /// <summary>Batches written so far.</summary>
    public long Produced => Interlocked.Read(ref _produced);

    public async Task RunAsync(IReadOnlyList<ChannelReader<ImageBlock>> inputs, ChannelWriter<PairBatch> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(output);
        Exception? error = null;
        try
        {
            if (inputs.Count != _digits.Count)
            {
                throw new ArgumentException($"Expected {_digits.Count} inputs, got {inputs.Count}.", nameof(inputs));
            }

            int batchSize = _sampler.BatchSize;
            int positives = _sampler.Positives;
            while (true)
            {
                _sampler.Next(_left, _right);
                var batch = _pool.Rent();
                for (int i = 0; i < batchSize; i++)
                {
                    // Each copy reads an image another core wrote a while ago; fetching the next one while this one is
                    // copied hides much of that latency. Hints only: they change no data.
                    Prefetch(_right[i], _right[i] == _left[i] ? 1 : 0);
                    if (!await CopyNextAsync(inputs, _left[i], batch.Left, i, cancellationToken))
                    {
                        _pool.Return(batch);
                        return;
                    }

                    if (i + 1 < batchSize)
                    {
                        Prefetch(_left[i + 1], _left[i + 1] == _right[i] ? 1 : 0);
                    }

                    if (!await CopyNextAsync(inputs, _right[i], batch.Right, i, cancellationToken))
                    {
                        _pool.Return(batch);
                        return;
                    }

                    batch.LeftDigits[i] = _digits[_left[i]];
                    batch.RightDigits[i] = _digits[_right[i]];
                    batch.Labels[i] = i < positives ? 1f : 0f;
                }

                batch.Count = batchSize;
                await output.WriteAsync(batch, cancellationToken);
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
            output.TryComplete(error);
        }
    }

    /// <summary>Prefetches the image <paramref name="ahead"/> places past the class's cursor, if its block is at hand.</summary>
    private unsafe void Prefetch(int cls, int ahead)
    {
        var block = _current[cls];
        int index = _cursor[cls] + ahead;
        if (!Sse.IsSupported || block is null || index >= block.Count)
        {
            return;
        }

        fixed (float* image = block.Image(index))
        {
            byte* start = (byte*)image;
            int bytes = block.ImageSize * sizeof(float);
            for (int offset = 0; offset < bytes; offset += 64)
            {
                Sse.Prefetch0(start + offset);
            }

            Sse.Prefetch0(start + bytes - 1);
        }
    }

    /// <returns>False when the class's input completed normally.</returns>
    private async ValueTask<bool> CopyNextAsync(IReadOnlyList<ChannelReader<ImageBlock>> inputs, int cls, float[] destination, int pair, CancellationToken cancellationToken)
    {
        var block = _current[cls];
        while (block is null || _cursor[cls] == block.Count)
        {
            block?.Release();
            _current[cls] = null;
            var input = inputs[cls];
            // WaitToReadAsync rethrows the producer's own exception; ReadAsync would wrap it.
            while (!input.TryRead(out block))
            {
                if (!await input.WaitToReadAsync(cancellationToken))
                {
                    return false;
                }
            }

            _current[cls] = block;
            _cursor[cls] = 0;
        }

        block.Image(_cursor[cls]++).CopyTo(destination.AsSpan(pair * block.ImageSize, block.ImageSize));
        return true;
    }
}
