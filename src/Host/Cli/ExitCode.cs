using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Siamese.Host.Configuration;
using Siamese.Host.Runs;
using Siamese.Host.Training;
using Siamese.Model;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Cli;

/// <summary>
/// The process's exit codes and the one rule that maps a failure to its code and its report: 0 success, 1 unexpected
/// failure, 2 bad configuration, data, checkpoint or argument (one line says which), 130 interrupted. The command line
/// and the training worker both end through <see cref="Report"/>.
/// </summary>
internal static partial class ExitCode
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
    public const int Interrupted = 130;

    /// <summary>The exit code <paramref name="exception"/> ends the process with.</summary>
    public static int For(Exception exception) => exception switch
    {
        OperationCanceledException => Interrupted,
        _ when IsBadInput(exception) => BadInput,
        _ => Failure,
    };

    /// <summary>
    /// Something the user gave (an option, a file, an argument, an output folder) is unusable, and the message says which
    /// and why; a file that cannot be read or written (a read-only or full disk) counts, its message names the file.
    /// </summary>
    public static bool IsBadInput(Exception exception) => exception is OptionsValidationException or ConfigurationFileException
        or UserInputException or DataFormatException or DataUnavailableException or RunDirectoryException or CheckpointException
        or IOException or UnauthorizedAccessException;

    /// <summary>Logs <paramref name="exception"/> as its exit code calls for (one line for bad input, the stack for a fault) and returns the code.</summary>
    public static int Report(ILogger logger, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        switch (exception)
        {
            case OptionsValidationException invalid:
                foreach (var failure in invalid.Failures)
                {
                    LogConfigurationError(logger, failure);
                }

                break;
            case ConfigurationFileException file:
                LogConfigurationError(logger, file.Message);
                break;
            case OperationCanceledException:
                LogInterrupted(logger);
                break;
            case NonFiniteLossException stopped:
                LogStopped(logger, stopped.Message);
                break;
            case IOException or UnauthorizedAccessException:
                LogFileProblem(logger, exception.Message);
                break;
            case var _ when IsBadInput(exception):
                LogBadInput(logger, exception.Message);
                break;
            default:
                LogFailed(logger, exception);
                break;
        }

        return For(exception);
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Configuration error: {Problem}")]
    private static partial void LogConfigurationError(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Problem}")]
    private static partial void LogBadInput(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Critical, Message = "File error: {Problem}")]
    private static partial void LogFileProblem(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interrupted")]
    private static partial void LogInterrupted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Training stopped: {Problem}")]
    private static partial void LogStopped(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

/// <summary>A command's argument is unusable (missing file, not an image, ...); the message says which and why.</summary>
internal sealed class UserInputException(string message, Exception? inner = null) : Exception(message, inner);
