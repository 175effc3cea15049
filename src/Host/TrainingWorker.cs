using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Siamese.Pipeline.Data;

namespace Siamese.Host;

/// <summary>The background worker: data, then the training run; stops the host with the run's exit code.</summary>
public sealed partial class TrainingWorker : BackgroundService
{
    private readonly DataService _data;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ExitCode _exitCode;
    private readonly ILogger<TrainingWorker> _logger;

    public TrainingWorker(DataService data, IHostApplicationLifetime lifetime, ExitCode exitCode, ILogger<TrainingWorker> logger)
    {
        _data = data;
        _lifetime = lifetime;
        _exitCode = exitCode;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _data.LoadAsync(stoppingToken).ConfigureAwait(false);
            _exitCode.Value = ExitCode.Success;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            LogInterrupted();
            _exitCode.Value = ExitCode.Interrupted;
        }
        catch (Exception e) when (e is DataFormatException or DataUnavailableException)
        {
            LogBadData(e.Message);
            _exitCode.Value = ExitCode.BadInput;
        }
        catch (Exception e)
        {
            LogFailed(e);
            _exitCode.Value = ExitCode.Failure;
        }
        finally
        {
            _lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interrupted: stopping")]
    private partial void LogInterrupted();

    [LoggerMessage(Level = LogLevel.Error, Message = "Data error: {Problem}")]
    private partial void LogBadData(string problem);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The run failed")]
    private partial void LogFailed(Exception exception);
}
