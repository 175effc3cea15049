using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Siamese.Host.Cli;
using Siamese.Host.Configuration;
using Siamese.Host.Data;
using Siamese.Host.Runs;
using Siamese.Model;

namespace Siamese.Host.Training;

/// <summary>The exit code the training worker ends the process with.</summary>
internal sealed class RunOutcome
{
    public int ExitCode { get; set; } = Cli.ExitCode.Success;
}

/// <summary>
/// The background worker of the <c>train</c> verb: claims the run folder (so an unusable output fails at once, not
/// after training), records the configuration, loads the data, runs the <see cref="TrainingLoop"/> and stops the host
/// with the run's exit code.
/// </summary>
internal sealed partial class TrainingWorker(
    DataService data,
    TrainingLoop loop,
    IOptions<OutputOptions> output,
    IOptions<TrainingOptions> training,
    IOptions<ModelOptions> model,
    EffectiveConfiguration configuration,
    IHostApplicationLifetime lifetime,
    RunOutcome outcome,
    ILogger<TrainingWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Leave the host's start-up path at once; the run continues on the thread pool and the trainer thread.
        await Task.Yield();
        try
        {
            using var run = RunDirectory.Open(RunFolder());
            LogRunFolder(run.Path);
            var resume = string.IsNullOrWhiteSpace(training.Value.ResumeFrom) ? null : Checkpoint.Resolve(training.Value.ResumeFrom);
            RunPreconditions.CheckFolder(run, resume, output.Value.Overwrite);
            var effective = configuration.Snapshot();
            if (resume is not null)
            {
                RunPreconditions.CheckResume(resume, effective);
            }

            run.WriteJson(RunFiles.Configuration, effective);
            FailPoint.Reach("start", stoppingToken);
            var split = await data.LoadAsync(stoppingToken).ConfigureAwait(false);
            await loop.RunAsync(split, new RunOutputs(run, model.Value, effective, output.Value.TensorBoard), stoppingToken).ConfigureAwait(false);
            LogDone(run.Path);
            outcome.ExitCode = ExitCode.Success;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            LogInterrupted();
            outcome.ExitCode = ExitCode.Interrupted;
        }
        catch (Exception e)
        {
            outcome.ExitCode = ExitCode.Report(logger, e);
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private string RunFolder()
    {
        var resume = training.Value.ResumeFrom;
        if (string.IsNullOrWhiteSpace(output.Value.Directory) && !string.IsNullOrWhiteSpace(resume))
        {
            return Path.GetDirectoryName(Path.GetFullPath(Checkpoint.Resolve(resume)))!;
        }

        return output.Value.ResolveRunDirectory(DateTimeOffset.Now);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Run folder: {RunFolder}")]
    private partial void LogRunFolder(string runFolder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Done; outputs in {RunFolder}")]
    private partial void LogDone(string runFolder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interrupted; the last checkpoint is intact. Continue with --Training:ResumeFrom=<run folder>")]
    private partial void LogInterrupted();
}
