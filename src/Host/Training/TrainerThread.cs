namespace Siamese.Host.Training;

/// <summary>Runs the trainer's work on its own long-running thread: libtorch's dispose scopes are per thread, and the thread blocks on the batch channel.</summary>
internal static class TrainerThread
{
    public static Task<T> Run<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            Name = "trainer",
            IsBackground = true,
        };
        thread.Start();
        return done.Task;
    }
}
