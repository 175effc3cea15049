namespace Siamese.Model;

/// <summary>
/// Fault injection for the product's own crash and interruption tests, inert unless the environment variable
/// <c>SIAMESE_FAILPOINT</c> names one:
/// <list type="bullet">
/// <item><c>kill-after-write:&lt;file name&gt;[:&lt;n&gt;]</c> kills the process (SIGKILL, as a power cut or the OOM killer
/// would) once the n-th write of that file (default the first) has filled its temporary file and before it is renamed
/// into place, the moment an atomic write has to survive;</item>
/// <item><c>pause-at:&lt;phase&gt;[:&lt;n&gt;]</c> stops at the n-th time the program reaches that phase (default the
/// first), writes <c>failpoint: paused at &lt;phase&gt; &lt;n&gt;</c> to standard error and waits until it is interrupted, so a
/// test can place a signal at an exact point of progress instead of after a guessed delay.</item>
/// </list>
/// </summary>
public static class FailPoint
{
    public const string Variable = "SIAMESE_FAILPOINT";

    private const string KillPrefix = "kill-after-write:";
    private const string PausePrefix = "pause-at:";

    private static readonly string? Setting = Environment.GetEnvironmentVariable(Variable);
    private static readonly (string Name, int Occurrence)? KillAfter = Parse(KillPrefix);
    private static readonly (string Name, int Occurrence)? PauseAt = Parse(PausePrefix);
    private static int writes;
    private static int arrivals;

    /// <summary>The program reaches <paramref name="phase"/>: pauses there if the failpoint says so, until <paramref name="cancellationToken"/> fires.</summary>
    public static void Reach(string phase, CancellationToken cancellationToken)
    {
        if (PauseAt is { } point && string.Equals(point.Name, phase, StringComparison.Ordinal)
            && Interlocked.Increment(ref arrivals) == point.Occurrence)
        {
            Console.Error.WriteLine($"failpoint: paused at {phase} {point.Occurrence}");
            Console.Error.Flush();
            cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMinutes(2));
        }
    }

    internal static void KillAfterWrite(string fileName)
    {
        if (KillAfter is { } point && string.Equals(point.Name, fileName, StringComparison.Ordinal)
            && Interlocked.Increment(ref writes) == point.Occurrence)
        {
            System.Diagnostics.Process.GetCurrentProcess().Kill();
            Thread.Sleep(Timeout.Infinite);
        }
    }

    private static (string, int)? Parse(string prefix)
    {
        if (Setting is null || !Setting.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = Setting[prefix.Length..].Split(':');
        return (parts[0], parts.Length > 1 && int.TryParse(parts[1], out int n) && n > 0 ? n : 1);
    }
}
