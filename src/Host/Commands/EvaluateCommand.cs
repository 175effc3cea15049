using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Siamese.Host.Commands.Evaluation;
using Siamese.Host.Plots;
using Siamese.Pipeline;

namespace Siamese.Host.Commands;

/// <summary><c>evaluate --model &lt;run folder | model.bin | checkpoint.bin&gt;</c>: the full evaluation suite, as JSON, log lines and two pictures.</summary>
public sealed partial class EvaluateCommand
{
    public const string ReportName = "evaluation-full.json";
    public const string RocName = "roc.png";
    public const string HeatmapName = "digit-pairs.png";

    private static readonly Option<string> ModelOption = new("--model")
    {
        Description = "A run folder, a model.bin (with model.json beside it) or a checkpoint.bin.",
        Required = true,
    };

    private static readonly Option<string?> OutputOption = new("--output")
    {
        Description = "Folder for evaluation-full.json, roc.png and digit-pairs.png (default: the model's folder).",
    };

    private static readonly Option<int> WaysOption = new("--ways")
    {
        Description = "N of the N-way one-shot trials (2 to the number of digits).",
        DefaultValueFactory = _ => 10,
    };

    private static readonly Option<int> TrialsOption = new("--trials")
    {
        Description = "Number of one-shot trials.",
        DefaultValueFactory = _ => 2000,
    };

    private static readonly Option<int?> SeedOption = new("--seed")
    {
        Description = "Seed of the one-shot trials (default: Evaluation:Seed).",
    };

    private static readonly Option<int?> ValidationPairsOption = new("--validation-pairs")
    {
        Description = "Balanced validation pairs the threshold is calibrated on (default: Evaluation:TestPairs).",
    };

    private static readonly Option<int?> ValidationSeedOption = new("--validation-seed")
    {
        Description = "Seed of the validation pair set (default: Evaluation:Seed + 1).",
    };

    private readonly ILogger<EvaluateCommand> _logger;

    public EvaluateCommand(ILogger<EvaluateCommand> logger) => _logger = logger;

    internal static Command Create() => new("evaluate", "Evaluate trained weights: accuracy, ROC AUC, a calibrated threshold, equal error rate, per digit pair accuracy and N-way one-shot accuracy on MNIST test images.")
    {
        ModelOption, OutputOption, WaysOption, TrialsOption, SeedOption, ValidationPairsOption, ValidationSeedOption,
    };

    internal static async Task<int> RunAsync(ParseResult parsed, string[] overrides)
    {
        int ways = parsed.GetValue(WaysOption);
        int trials = parsed.GetValue(TrialsOption);
        if (trials < 1)
        {
            throw new UserInputException($"--trials must be at least 1 (got {trials}).");
        }

        if (parsed.GetValue(ValidationPairsOption) is < 2)
        {
            throw new UserInputException("--validation-pairs must be at least 2.");
        }

        var model = ModelFile.Resolve(ArgumentPaths.Input(parsed.GetValue(ModelOption)!));
        var output = ArgumentPaths.OutputFolder(parsed.GetValue(OutputOption), model.Folder);

        using var host = ProductHost.Build(ProductHost.CreateBuilder(overrides));
        var services = host.Services;
        var evaluation = services.GetRequiredService<IOptions<EvaluationOptions>>().Value;
        var split = await services.GetRequiredService<DataService>().LoadAsync(CancellationToken.None).ConfigureAwait(false);
        if (ways < 2 || ways > split.Test.Count)
        {
            throw new UserInputException($"--ways must be between 2 and {split.Test.Count}, the number of digits (got {ways}).");
        }

        var settings = new EvaluationSettings(
            evaluation,
            services.GetRequiredService<IOptions<PipelineOptions>>().Value.Augmentation.Rescale,
            parsed.GetValue(ValidationPairsOption) ?? evaluation.TestPairs,
            parsed.GetValue(ValidationSeedOption) ?? unchecked(evaluation.Seed + 1),
            ways,
            trials,
            parsed.GetValue(SeedOption) ?? evaluation.Seed);
        var command = ActivatorUtilities.CreateInstance<EvaluateCommand>(services);
        command.Run(model, split, settings, services.GetRequiredService<IOptions<TrainingOptions>>().Value.TorchThreads, output);
        return ExitCode.Success;
    }

    private void Run(ModelFile model, Pipeline.Data.DatasetSplit split, EvaluationSettings settings, int torchThreads, string output)
    {
        LogModel(model.Describe());
        EvaluationOutcome outcome;
        using (var trainer = model.Load(torchThreads, Evaluator.ChunkSize))
        {
            outcome = new EvaluationSuite(trainer, settings).Run(split, model.Describe());
        }

        var report = outcome.Report;
        var json = Path.Combine(output, ReportName);
        var roc = Path.Combine(output, RocName);
        var heatmap = Path.Combine(output, HeatmapName);
        OutputFiles.WriteJson(json, report);
        RocPlot.Save(outcome.RocFalsePositiveRate, outcome.RocTruePositiveRate, report.AtThreshold.RocAuc, roc);
        DigitPairHeatmap.Save(report.DigitPairs, report.AtThreshold.Threshold, heatmap);
        Summarise(report);
        LogWritten(json, roc, heatmap);
    }

    private void Summarise(FullEvaluation report)
    {
        var at = report.AtThreshold;
        LogTestPairs(at.Pairs, at.Seed, at.Threshold, at.Accuracy, at.RocAuc, at.TruePositives, at.FalsePositives, at.TrueNegatives, at.FalseNegatives);
        var calibrated = report.Calibrated;
        LogCalibrated(calibrated.ValidationPairs, calibrated.ValidationSeed, calibrated.Threshold, calibrated.ValidationAccuracy, calibrated.Test.Accuracy,
            calibrated.Test.TruePositives, calibrated.Test.FalsePositives, calibrated.Test.TrueNegatives, calibrated.Test.FalseNegatives);
        LogEqualError(report.EqualErrorRate.Rate, report.EqualErrorRate.Threshold);
        var table = report.DigitPairs;
        LogTableHeader(at.Threshold, string.Join(' ', table.Digits.Select(d => d.ToString(CultureInfo.InvariantCulture).PadLeft(4))));
        for (int r = 0; r < table.Digits.Length; r++)
        {
            LogTableRow(table.Digits[r], string.Join(' ', table.Accuracy[r].Select(a => double.IsNaN(a) ? "   -" : (100 * a).ToString("F0", CultureInfo.InvariantCulture).PadLeft(4))));
        }

        LogConfused(string.Join(", ", table.MostConfused(5).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.A}/{p.B} {100 * p.Accuracy:F1}%"))));
        var oneShot = report.OneShot;
        LogOneShot(oneShot.Ways, oneShot.Accuracy, oneShot.CiLow, oneShot.CiHigh, oneShot.Trials, oneShot.Seed, 1.0 / oneShot.Ways);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Evaluating {Model}")]
    private partial void LogModel(string model);

    [LoggerMessage(Level = LogLevel.Information, Message = "Test pairs: {Pairs} balanced (seed {Seed}); at threshold {Threshold}: accuracy {Accuracy:F4}, ROC AUC {RocAuc:F4}; TP {TruePositives} FP {FalsePositives} TN {TrueNegatives} FN {FalseNegatives}")]
    private partial void LogTestPairs(int pairs, int seed, double threshold, double accuracy, double rocAuc, int truePositives, int falsePositives, int trueNegatives, int falseNegatives);

    [LoggerMessage(Level = LogLevel.Information, Message = "Calibrated threshold {Threshold:F4} (best accuracy {ValidationAccuracy:F4} on {ValidationPairs} validation pairs, seed {ValidationSeed}); on the test pairs: accuracy {TestAccuracy:F4}; TP {TruePositives} FP {FalsePositives} TN {TrueNegatives} FN {FalseNegatives}")]
    private partial void LogCalibrated(int validationPairs, int validationSeed, double threshold, double validationAccuracy, double testAccuracy, int truePositives, int falsePositives, int trueNegatives, int falseNegatives);

    [LoggerMessage(Level = LogLevel.Information, Message = "Equal error rate {EqualErrorRate:F4} at threshold {Threshold:F4}")]
    private partial void LogEqualError(double equalErrorRate, double threshold);

    [LoggerMessage(Level = LogLevel.Information, Message = "Accuracy (%) per digit pair at threshold {Threshold} (diagonal: same digit):\n      {Header}")]
    private partial void LogTableHeader(double threshold, string header);

    [LoggerMessage(Level = LogLevel.Information, Message = "   {Digit}: {Row}")]
    private partial void LogTableRow(int digit, string row);

    [LoggerMessage(Level = LogLevel.Information, Message = "Most confused digit pairs: {Pairs}")]
    private partial void LogConfused(string pairs);

    [LoggerMessage(Level = LogLevel.Information, Message = "One-shot {Ways}-way accuracy {Accuracy:F4}, 95% CI [{Low:F4}, {High:F4}] (Wilson) over {Trials} trials (seed {Seed}); chance is {Chance:F3}")]
    private partial void LogOneShot(int ways, double accuracy, double low, double high, int trials, int seed, double chance);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Report}, {Roc} and {Heatmap}")]
    private partial void LogWritten(string report, string roc, string heatmap);
}
