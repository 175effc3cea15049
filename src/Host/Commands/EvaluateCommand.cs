using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Siamese.Host.Cli;
using Siamese.Host.Configuration;
using Siamese.Host.Evaluation;
using Siamese.Host.Plots;
using Siamese.Model;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Commands;

/// <summary>
/// <c>evaluate --model &lt;run folder | model.bin | checkpoint.bin&gt;</c>: the full evaluation suite and retrieval on the
/// test images, as JSON, log lines and two pictures; a <c>model.onnx</c> beside the model gets the calibrated threshold.
/// </summary>
internal static partial class EvaluateCommand
{
    public const string ReportName = "evaluation-full.json";
    public const string RocName = "roc.png";
    public const string HeatmapName = "digit-pairs.png";

    private static readonly Option<string> ModelOption = CommonOptions.Model();

    private static readonly Option<string?> OutputOption = CommonOptions.Output("Folder for evaluation-full.json, roc.png and digit-pairs.png (default: the model's folder).");

    private static readonly Option<int?> WaysOption = new("--ways")
    {
        Description = "N of the N-way trials (default: 20 when the test classes are unseen in training (a class split), else 10; lowered to what the test classes allow).",
    };

    private static readonly Option<int?> ShotsOption = new("--shots")
    {
        Description = "Support images per class in each trial, k (default 1); a class scores the best similarity of its k supports.",
    };

    private static readonly Option<bool?> WithinGroupOption = new("--within-group")
    {
        Description = "Draw each trial's N classes from one group (an Omniglot alphabet) (default: true when the test classes are unseen and grouped).",
    };

    private static readonly Option<int> TrialsOption = new("--trials")
    {
        Description = "Number of one-shot trials.",
        DefaultValueFactory = _ => 2000,
    };

    private static readonly Option<int?> SeedOption = CommonOptions.OptionalSeed("Seed of the one-shot trials (default: Evaluation:Seed).");

    private static readonly Option<int?> ValidationPairsOption = new("--validation-pairs")
    {
        Description = "Balanced validation pairs the threshold is calibrated on (default: Evaluation:TestPairs).",
    };

    private static readonly Option<int?> ValidationSeedOption = new("--validation-seed")
    {
        Description = "Seed of the validation pair set (default: Evaluation:Seed + 1).",
    };

    public static Verb Create(ProductHost product) => new(
        new Command("evaluate", "Evaluate trained weights: accuracy, ROC AUC, a calibrated threshold, equal error rate, per class pair accuracy, N-way k-shot accuracy (20-way one-shot within a group on unseen grouped classes), and retrieval precision@1 and MAP@R on the test images. A model.onnx beside the model gets the calibrated threshold.")
        {
            ModelOption, OutputOption, WaysOption, ShotsOption, WithinGroupOption, TrialsOption, SeedOption, ValidationPairsOption, ValidationSeedOption,
        },
        (parsed, overrides, token) => RunAsync(product, parsed, overrides, token));

    private static async Task<int> RunAsync(ProductHost product, ParseResult parsed, string[] overrides, CancellationToken cancellationToken)
    {
        int trials = parsed.GetValue(TrialsOption);
        if (trials is < 1 or > EvaluationOptions.MaxPairs)
        {
            throw new UserInputException($"--trials must be between 1 and {EvaluationOptions.MaxPairs} (got {trials}).");
        }

        if (parsed.GetValue(ValidationPairsOption) is < 2 or > EvaluationOptions.MaxPairs)
        {
            throw new UserInputException($"--validation-pairs must be between 2 and {EvaluationOptions.MaxPairs}.");
        }

        var model = CommonOptions.ResolveModel(parsed.GetValue(ModelOption)!);
        var output = ArgumentPaths.OutputFolder(parsed.GetValue(OutputOption), model.Folder);

        using var context = CommandContext.Create(product, overrides);
        var evaluation = context.Options<EvaluationOptions>();
        var split = await context.LoadSplitAsync(cancellationToken).ConfigureAwait(false);
        var shape = EpisodeShape.Resolve(split.Test, split.ClassesDisjoint, parsed.GetValue(WaysOption), parsed.GetValue(ShotsOption), parsed.GetValue(WithinGroupOption));
        if (split.ClassesDisjoint)
        {
            LogUnseen(context.Logger<EvaluationSuite>(), split.Test.Count, split.Validation.Count);
        }

        if (shape.Note is { } note)
        {
            LogLowered(context.Logger<EvaluationSuite>(), note);
        }

        var settings = new EvaluationSettings(
            evaluation,
            parsed.GetValue(ValidationPairsOption) ?? evaluation.TestPairs,
            parsed.GetValue(ValidationSeedOption) ?? unchecked(evaluation.Seed + 1),
            shape.Ways,
            trials,
            parsed.GetValue(SeedOption) ?? evaluation.Seed,
            shape.Shots,
            shape.WithinGroup);
        Run(context.Logger<EvaluationSuite>(), model, split, settings, output, cancellationToken);
        return ExitCode.Success;
    }

    private static void Run(ILogger logger, ModelFile model, DatasetSplit split, EvaluationSettings settings, string output, CancellationToken cancellationToken)
    {
        LogModel(logger, model.Describe());
        using var scoring = SiameseModel.Load(model.Path);
        var outcome = new EvaluationSuite(scoring, settings, cancellationToken).Run(split, model.Describe());
        var test = IndexedImages.FromClasses(split.Test);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var retrieval = RetrievalMetrics.Measure(scoring, Embeddings.Compute(scoring, test, cancellationToken), test.Labels, cancellationToken);
        LogRetrievalTime(logger, test.Count, clock.Elapsed.TotalSeconds);
        var report = outcome.Report with { Retrieval = retrieval };
        var json = Path.Combine(output, ReportName);
        var roc = Path.Combine(output, RocName);
        var heatmap = Path.Combine(output, HeatmapName);
        AtomicFile.WriteJson(json, report);
        RocPlot.Save(outcome.RocFalsePositiveRate, outcome.RocTruePositiveRate, report.AtThreshold.RocAuc, roc);
        if (report.DigitPairs is { } pairs)
        {
            DigitPairHeatmap.Save(pairs, report.AtThreshold.Threshold, heatmap);
        }

        Summarise(logger, report, split.Test.ToDictionary(c => c.Label, c => c.Name));
        LogWritten(logger, json, roc, report.DigitPairs is null ? $"no {HeatmapName} ({split.Test.Count} test classes; the class-pair table is kept for at most {DigitPairTable.MostClasses})" : heatmap);
        if (report.Calibrated is { } calibrated)
        {
            RefreshOnnx(logger, scoring, model, output, calibrated.Threshold);
        }
    }

    /// <summary>
    /// Once the report sits beside the model, the <c>model.onnx</c> there (if any) is written again with the calibrated
    /// threshold as its <c>threshold</c> metadata, so that the threshold in model.onnx is the calibrated one once evaluate has
    /// run. Only when the evaluated weights are the ones the folder stands for (its model.bin, else its checkpoint):
    /// evaluating a checkpoint beside a model.bin leaves that model's export alone.
    /// </summary>
    private static void RefreshOnnx(ILogger logger, SiameseModel scoring, ModelFile model, string output, double calibrated)
    {
        var onnx = Path.Combine(model.Folder, OnnxExport.ModelName);
        var weights = Path.Combine(model.Folder, ModelFile.WeightsName);
        var checkpoint = Path.Combine(model.Folder, CheckpointFile.FileName);
        var folderModel = File.Exists(weights) ? weights : File.Exists(checkpoint) ? checkpoint : model.Path;
        if (output != model.Folder || !File.Exists(onnx) || folderModel != model.Path)
        {
            return;
        }

        double threshold = ExportCommand.UsableThreshold(calibrated);
        OnnxExport.WriteModel(scoring, onnx, threshold);
        LogOnnxRefreshed(logger, onnx, threshold);
    }

    /// <summary>The more classes than this, the class-pair table stays out of the log (it is in the report and its picture).</summary>
    private const int MostClassesInLogTable = 20;

    private static void Summarise(ILogger logger, FullEvaluation report, IReadOnlyDictionary<int, string> names)
    {
        var at = report.AtThreshold;
        LogTestPairs(logger, at.Pairs, at.Seed, at.Threshold, at.Accuracy, at.RocAuc, at.TruePositives, at.FalsePositives, at.TrueNegatives, at.FalseNegatives);
        if (report.Calibrated is { } calibrated)
        {
            LogCalibrated(logger, calibrated.ValidationPairs, calibrated.ValidationSeed, calibrated.Threshold, calibrated.ValidationAccuracy, calibrated.Test.Accuracy,
                calibrated.Test.TruePositives, calibrated.Test.FalsePositives, calibrated.Test.TrueNegatives, calibrated.Test.FalseNegatives);
        }
        else
        {
            LogNotCalibrated(logger, at.Threshold);
        }

        LogEqualError(logger, report.EqualErrorRate.Rate, report.EqualErrorRate.Threshold);
        string kind = names.Values.All(n => n is [>= '0' and <= '9']) ? "digit" : "class";
        if (report.DigitPairs is not { } table)
        {
            LogOneShotAndRetrieval(logger, report);
            return;
        }

        if (table.Digits.Length <= MostClassesInLogTable)
        {
            LogTableHeader(logger, kind, at.Threshold, kind, string.Join(' ', table.Digits.Select(d => names[d].PadLeft(4))));
            for (int r = 0; r < table.Digits.Length; r++)
            {
                LogTableRow(logger, names[table.Digits[r]], string.Join(' ', table.Accuracy[r].Select(a => double.IsNaN(a) ? "   -" : (100 * a).ToString("F0", CultureInfo.InvariantCulture).PadLeft(4))));
            }
        }

        LogConfused(logger, kind, string.Join(", ", table.MostConfused(5).Select(p => string.Create(CultureInfo.InvariantCulture, $"{names[p.A]}{(kind == "digit" ? "/" : " vs ")}{names[p.B]} {100 * p.Accuracy:F1}%"))));
        LogOneShotAndRetrieval(logger, report);
    }

    private static void LogOneShotAndRetrieval(ILogger logger, FullEvaluation report)
    {
        var oneShot = report.OneShot;
        LogOneShot(logger, oneShot.Ways, oneShot.Accuracy, oneShot.CiLow, oneShot.CiHigh, oneShot.Trials, oneShot.Seed, oneShot.Shots,
            (oneShot.WithinGroup ? "drawn within one group" : "drawn from all test classes") + (report.UnseenTestClasses ? ", unseen in training" : string.Empty), 1.0 / oneShot.Ways);
        if (report.Retrieval is { } retrieval)
        {
            LogRetrieval(logger, retrieval.Queries, retrieval.PrecisionAt1, retrieval.MapAtR, retrieval.RankedBy, retrieval.LoneQueries);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Evaluating {Model}")]
    private static partial void LogModel(ILogger logger, string model);

    [LoggerMessage(Level = LogLevel.Information, Message = "Test pairs: {Pairs} balanced (seed {Seed}); at threshold {Threshold}: accuracy {Accuracy:F4}, ROC AUC {RocAuc:F4}; TP {TruePositives} FP {FalsePositives} TN {TrueNegatives} FN {FalseNegatives}")]
    private static partial void LogTestPairs(ILogger logger, int pairs, int seed, double threshold, double accuracy, double rocAuc, int truePositives, int falsePositives, int trueNegatives, int falseNegatives);

    [LoggerMessage(Level = LogLevel.Information, Message = "Calibrated threshold {Threshold:F4} (best accuracy {ValidationAccuracy:F4} on {ValidationPairs} validation pairs, seed {ValidationSeed}); on the test pairs: accuracy {TestAccuracy:F4}; TP {TruePositives} FP {FalsePositives} TN {TrueNegatives} FN {FalseNegatives}")]
    private static partial void LogCalibrated(ILogger logger, int validationPairs, int validationSeed, double threshold, double validationAccuracy, double testAccuracy, int truePositives, int falsePositives, int trueNegatives, int falseNegatives);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No threshold calibrated: the split has no two validation classes of two images (Data:ValidationFraction); identify, export and serve keep Evaluation:Threshold {Threshold}")]
    private static partial void LogNotCalibrated(ILogger logger, double threshold);

    [LoggerMessage(Level = LogLevel.Information, Message = "Equal error rate {EqualErrorRate:F4} at threshold {Threshold:F4}")]
    private static partial void LogEqualError(ILogger logger, double equalErrorRate, double threshold);

    [LoggerMessage(Level = LogLevel.Information, Message = "Accuracy (%) per {Kind} pair at threshold {Threshold} (diagonal: same {Same}):\n      {Header}")]
    private static partial void LogTableHeader(ILogger logger, string kind, double threshold, string same, string header);

    [LoggerMessage(Level = LogLevel.Information, Message = "   {Digit}: {Row}")]
    private static partial void LogTableRow(ILogger logger, string digit, string row);

    [LoggerMessage(Level = LogLevel.Information, Message = "Most confused {Kind} pairs: {Pairs}")]
    private static partial void LogConfused(ILogger logger, string kind, string pairs);

    [LoggerMessage(Level = LogLevel.Information, Message = "One-shot {Ways}-way accuracy {Accuracy:F4}, 95% CI [{Low:F4}, {High:F4}] (Wilson) over {Trials} trials (seed {Seed}); {Shots}-shot, classes {Scope}; chance is {Chance:F3}")]
    private static partial void LogOneShot(ILogger logger, int ways, double accuracy, double low, double high, int trials, int seed, int shots, string scope, double chance);

    [LoggerMessage(Level = LogLevel.Information, Message = "The {Test} test classes are unseen in training (a split by class): the test pairs, the N-way trials and retrieval measure classes the model never saw, and the threshold is calibrated on the pairs of {Validation} validation classes it never saw either (none without validation classes)")]
    private static partial void LogUnseen(ILogger logger, int test, int validation);

    [LoggerMessage(Level = LogLevel.Information, Message = "N-way trials: {Note}")]
    private static partial void LogLowered(ILogger logger, string note);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrieval on {Queries} test images, each against all the others (ranked by {RankedBy}): precision@1 {PrecisionAt1:F4}, MAP@R {MapAtR:F4} ({Lone} without another image of their class left out); pytorch-metric-learning's MNIST example reports precision@1 0.979")]
    private static partial void LogRetrieval(ILogger logger, int queries, double precisionAt1, double mapAtR, string rankedBy, int lone);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Embedded and ranked {Images} test images in {Seconds:F1} s")]
    private static partial void LogRetrievalTime(ILogger logger, int images, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refreshed {Onnx}: its threshold metadata is now the calibrated threshold {Threshold:R}")]
    private static partial void LogOnnxRefreshed(ILogger logger, string onnx, double threshold);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Report}, {Roc} and {Heatmap}")]
    private static partial void LogWritten(ILogger logger, string report, string roc, string heatmap);
}
