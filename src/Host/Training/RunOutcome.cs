namespace Siamese.Host.Training;

/// <summary>The exit code the training worker ends the process with.</summary>
internal sealed class RunOutcome
{
    public int ExitCode { get; set; } = Cli.ExitCode.Success;
}
