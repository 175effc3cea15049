using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Siamese.Model;
using Siamese.Pipeline;
using Siamese.Pipeline.Data;

namespace Siamese.Host;

/// <summary>
/// The background worker: claims the run folder (so an unusable output fails at once, not after training),
/// loads the data, runs the training and stops the host with the run's exit code.
/// </summary>
public sealed partial class TrainingWorker : BackgroundService
{
    private readonly DataService _data;
    private readonly TrainingRun _training;
    private readonly IOptions<OutputOptions> _output;
    private readonly IOptions<TrainingOptions> _trainingOptions;
    private readonly EffectiveConfiguration _configuration;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ExitCode _exitCode;
    private readonly ILogger<TrainingWorker> _logger;

    public TrainingWorker(
        DataService data,
        TrainingRun training,
        IOptions<OutputOptions> output,
        IOptions<TrainingOptions> trainingOptions,
        EffectiveConfiguration configuration,
        IHostApplicationLifetime lifetime,
        ExitCode exitCode,
        ILogger<TrainingWorker> logger)
    {
        _data = data;
        _training = training;
        _output = output;
        _trainingOptions = trainingOptions;
        _configuration = configuration;
        _lifetime = lifetime;
        _exitCode = exitCode;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Leave the host's start-up path at once; the run continues on the thread pool and the trainer thread.
        await Task.Yield();
        try
        {
            using var run = RunDirectory.Open(RunFolder());
            LogRunFolder(run.Path);
            run.WriteJson("config.json", _configuration.Snapshot());
            var split = await _data.LoadAsync(stoppingToken).ConfigureAwait(false);
            await _training.RunAsync(split, run, stoppingToken).ConfigureAwait(false);
            LogDone(run.Path);
            _exitCode.Value = ExitCode.Success;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            LogInterrupted();
            _exitCode.Value = ExitCode.Interrupted;
        }
        catch (Exception e) when (e is DataFormatException or DataUnavailableException or RunDirectoryException or CheckpointException)
        {
            LogBadInput(e.Message);
            _exitCode.Value = ExitCode.BadInput;
        }
        catch (NonFiniteLossException e)
        {
            LogStopped(e.Message);
            _exitCode.Value = ExitCode.Failure;
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

    private string RunFolder()
    {
        var resume = _trainingOptions.Value.ResumeFrom;
        if (string.IsNullOrWhiteSpace(_output.Value.Directory) && !string.IsNullOrWhiteSpace(resume))
        {
            return Path.GetDirectoryName(Path.GetFullPath(Checkpoint.Resolve(resume)))!;
        }

        return _output.Value.ResolveRunDirectory(DateTimeOffset.Now);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Run folder: {RunFolder}")]
    private partial void LogRunFolder(string runFolder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Done; outputs in {RunFolder}")]
    private partial void LogDone(string runFolder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interrupted; the last checkpoint is intact. Continue with --Training:ResumeFrom=<run folder>")]
    private partial void LogInterrupted();

    [LoggerMessage(Level = LogLevel.Error, Message = "{Problem}")]
    private partial void LogBadInput(string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Training stopped: {Problem}")]
    private partial void LogStopped(string problem);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The run failed")]
    private partial void LogFailed(Exception exception);
}
