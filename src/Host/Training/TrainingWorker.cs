using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Siamese.Host.Cli;
using Siamese.Host.Configuration;
using Siamese.Host.Data;
using Siamese.Host.Runs;
using Siamese.Model;

namespace Siamese.Host.Training;

/// <summary>
/// The background worker of the <c>train</c> verb: claims the run folder (so an unusable output fails before the data
/// is loaded), loads and checks the data (a refusal removes the folder it created: bad data writes nothing), records
/// the configuration, runs the <see cref="TrainingLoop"/> and stops the host with the run's exit code.
/// </summary>
internal sealed partial class TrainingWorker(
    DataService data,
    TrainingLoop loop,
    RunSettings settings,
    IHostApplicationLifetime lifetime,
    RunOutcome outcome,
    ILogger<TrainingWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Leave the host's start-up path at once; the run continues on the thread pool and the trainer thread.
        await Task.Yield();
        string? checkpoint = null;
        try
        {
            var resume = settings.Training.ResumeCheckpoint();
            checkpoint = resume;
            using var run = RunDirectory.Open(RunFolder(resume));
            LogRunFolder(run.Path);
            RunPreconditions.CheckFolder(run, resume, settings.Output.Overwrite);
            var effective = settings.Snapshot();
            TrainingInputs inputs;
            try
            {
                if (resume is not null)
                {
                    RunPreconditions.CheckResume(resume, effective);
                }

                FailPoint.Reach("start", stoppingToken);
                inputs = loop.Prepare(await data.LoadAsync(stoppingToken).ConfigureAwait(false), stoppingToken);
            }
            catch
            {
                run.DisposeUnused();
                throw;
            }

            run.WriteJson(RunFiles.Configuration, effective);
            checkpoint = run.CheckpointPath;
            await loop.RunAsync(inputs, new RunOutputs(run, effective, settings.Output.TensorBoard), resume, stoppingToken).ConfigureAwait(false);
            LogDone(run.Path);
            outcome.ExitCode = ExitCode.Success;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            if (checkpoint is not null && File.Exists(checkpoint))
            {
                LogInterrupted();
            }
            else
            {
                LogInterruptedBeforeTraining();
            }

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

    /// <summary>Output:Directory, else the resumed checkpoint's folder, else a new timestamped folder.</summary>
    private string RunFolder(string? resume) =>
        string.IsNullOrWhiteSpace(settings.Output.Directory) && resume is not null
            ? Path.GetDirectoryName(Path.GetFullPath(resume))!
            : settings.Output.ResolveRunDirectory(DateTimeOffset.Now);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run folder: {RunFolder}")]
    private partial void LogRunFolder(string runFolder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Done; outputs in {RunFolder}")]
    private partial void LogDone(string runFolder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interrupted; the last checkpoint is intact. Continue with --Training:ResumeFrom=<run folder>")]
    private partial void LogInterrupted();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interrupted before training; nothing was saved")]
    private partial void LogInterruptedBeforeTraining();
}
