using System.Threading.Channels;

namespace Siamese.Pipeline.Tests;

/// <summary>
/// A channel writer that says when a write has to wait for room: a test awaits <see cref="Waiting"/> to know that the
/// stage writing into a full channel is blocked, instead of sleeping and hoping it got there.
/// </summary>
internal sealed class WaitSignallingWriter<T>(ChannelWriter<T> inner) : ChannelWriter<T>
{
    private readonly TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes the first time a write finds the channel full and waits.</summary>
    public Task Waiting => _waiting.Task;

    public override bool TryComplete(Exception? error = null) => inner.TryComplete(error);

    public override bool TryWrite(T item) => inner.TryWrite(item);

    public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default)
    {
        var wait = inner.WaitToWriteAsync(cancellationToken);
        if (!wait.IsCompleted)
        {
            _waiting.TrySetResult();
        }

        return wait;
    }
}
