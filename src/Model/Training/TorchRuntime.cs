using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>libtorch as a process-wide runtime.</summary>
public static class TorchRuntime
{
    /// <summary>
    /// Loads libtorch's native libraries (a few hundred milliseconds the first time), so a caller can do it in the
    /// background while other start-up work runs. A failure to load is not reported here: the first real use
    /// reports it where it matters.
    /// </summary>
    public static void WarmUp()
    {
        try
        {
            using var tensor = zeros(1);
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or InvalidOperationException)
        {
            // Reported by the trainer, which loads the same libraries.
        }
    }

    /// <summary>
    /// Sets libtorch's intra-op thread count for the calls the calling thread makes: OpenMP keeps the count per thread,
    /// so a thread that never sets it runs its calls on every core.
    /// </summary>
    public static void SetThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        set_num_threads(threads);
    }
}
