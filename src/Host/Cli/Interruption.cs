using System.Runtime.InteropServices;

namespace Siamese.Host.Cli;

/// <summary>
/// Ctrl-C (SIGINT), SIGTERM and SIGQUIT as a cancellation token every verb receives: the first signal cancels it and
/// the verb stops at its next check (a training run saves its checkpoint first) and exits with 130; a second signal
/// leaves the process to the runtime's default handling, for a user who does not want to wait.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signals;

    private Interruption()
    {
        _registrations = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT }.Select(signal => PosixSignalRegistration.Create(signal, OnSignal))];
    }

    public CancellationToken Token => _source.Token;

    public static Interruption Listen() => new();

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _source.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) == 1)
        {
            context.Cancel = true;
            _source.Cancel();
        }
    }
}
