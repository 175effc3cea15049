namespace Siamese.Model;

/// <summary>
/// Fault injection for the product's own crash tests, inert unless the environment variable <c>SIAMESE_FAILPOINT</c>
/// names one: <c>kill-after-write:&lt;file name&gt;[:&lt;n&gt;]</c> kills the process (SIGKILL, as a power cut or the OOM
/// killer would) once the n-th write of that file (default the first) has filled its temporary file and before it
/// is renamed into place, the moment an atomic write has to survive.
/// </summary>
internal static class FailPoint
{
    public const string Variable = "SIAMESE_FAILPOINT";

    private static readonly (string File, int Occurrence)? KillAfter = Parse(Environment.GetEnvironmentVariable(Variable));
    private static int writes;

    public static void KillAfterWrite(string fileName)
    {
        if (KillAfter is { } point && string.Equals(point.File, fileName, StringComparison.Ordinal)
            && Interlocked.Increment(ref writes) == point.Occurrence)
        {
            System.Diagnostics.Process.GetCurrentProcess().Kill();
            Thread.Sleep(Timeout.Infinite);
        }
    }

    private static (string, int)? Parse(string? value)
    {
        const string Prefix = "kill-after-write:";
        if (value is null || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = value[Prefix.Length..].Split(':');
        return (parts[0], parts.Length > 1 && int.TryParse(parts[1], out int n) && n > 0 ? n : 1);
    }
}
