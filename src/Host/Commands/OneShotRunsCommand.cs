using System.CommandLine;
using Microsoft.Extensions.Logging;
using Siamese.Host.Cli;
using Siamese.Host.Configuration;
using Siamese.Host.Evaluation;
using Siamese.Model;

namespace Siamese.Host.Commands;

/// <summary>
/// <c>one-shot-runs --model ... [--runs &lt;folder | zip&gt;]</c>: the model scored on one-shot runs in the format of
/// Omniglot's <c>all_runs.zip</c> (by default the repository's copy of the 20 official runs), exactly as their protocol
/// says (<see cref="OneShotRunsScorer"/>); each run's error, the mean and the published table, as log lines, JSON and a
/// picture of one run.
/// </summary>
internal static partial class OneShotRunsCommand
{
    public const string DefaultRuns = "datasets/omniglot/all_runs.zip";

    private static readonly Option<string> ModelOption = CommonOptions.Model();

    private static readonly Option<string> RunsOption = new("--runs")
    {
        Description = $"A folder or .zip of one-shot runs laid out as Omniglot's all_runs.zip (runNN/class_labels.txt, runNN/training/, runNN/test/), or one run folder (default: {DefaultRuns}, the 20 official runs).",
        DefaultValueFactory = _ => DefaultRuns,
    };

    private static readonly Option<string?> OutputOption = CommonOptions.Output($"Folder for {OneShotRunsScorer.ReportName} and {OneShotRunsScorer.PictureName} (default: the model's folder).");

    public static Verb Create(ProductHost product) => new(
        new Command("one-shot-runs", "Score the model on Omniglot's official 20-way one-shot runs (or runs in their format) as their protocol says: each test item takes the training class whose one picture it is most similar to; prints each run's error, the mean error and the published errors beside it.")
        {
            ModelOption, RunsOption, OutputOption,
        },
        (parsed, overrides, token) => Task.FromResult(Run(product, parsed, overrides, token)));

    private static int Run(ProductHost product, ParseResult parsed, string[] overrides, CancellationToken cancellationToken)
    {
        var model = CommonOptions.ResolveModel(parsed.GetValue(ModelOption)!);
        var runsPath = ArgumentPaths.Input(parsed.GetValue(RunsOption)!);
        var output = ArgumentPaths.OutputFolder(parsed.GetValue(OutputOption), model.Folder);
        using var context = CommandContext.Create(product, overrides);
        var logger = context.Logger<OneShotRunsReport>();

        var runs = OneShotRunsScorer.Read(runsPath, model.Options, cancellationToken);
        LogRuns(logger, runs.Runs.Count, runs.Trials, runs.Source, model.Describe());
        using var scoring = SiameseModel.Load(model.Path);
        var report = OneShotRunsScorer.Score(scoring, runs, model.Describe(), cancellationToken);
        OneShotRunsScorer.Log(logger, report);

        var json = Path.Combine(output, OneShotRunsScorer.ReportName);
        var png = Path.Combine(output, OneShotRunsScorer.PictureName);
        OneShotRunsScorer.Write(report, runs, json, png);
        LogWritten(logger, json, png);
        return ExitCode.Success;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scoring {Runs} one-shot runs ({Trials} trials) from {Source} with {Model}")]
    private static partial void LogRuns(ILogger logger, int runs, int trials, string source, string model);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Report} and {Picture}")]
    private static partial void LogWritten(ILogger logger, string report, string picture);
}
