namespace Siamese.Host;

/// <summary>The process exit code, set by whoever ends the run (0 success, 1 failure, 2 bad configuration or input, 130 interrupted).</summary>
public sealed class ExitCode
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
    public const int Interrupted = 130;

    public int Value { get; set; } = Success;
}
