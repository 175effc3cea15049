using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Siamese.Host.Cli;
using Siamese.Host.Configuration;
using Siamese.Model;

namespace Siamese.Host.Commands;

/// <summary>
/// <c>export --model &lt;run folder | model.bin | checkpoint.bin&gt;</c>: the model as ONNX, <c>model.onnx</c> (a pair's
/// similarity, with the decision threshold as metadata) and <c>embedding.onnx</c> (an image's embedding).
/// </summary>
internal static partial class ExportCommand
{
    private static readonly Option<string> ModelOption = CommonOptions.Model();

    private static readonly Option<string?> OutputOption = CommonOptions.Output("Folder for model.onnx and embedding.onnx (default: the model's folder).");

    private static readonly Option<double?> ThresholdOption = new("--threshold")
    {
        Description = "Similarity above which a pair is the same digit, recorded in model.onnx (default: the calibrated threshold of an evaluation-full.json beside the model, else Evaluation:Threshold).",
    };

    public static Verb Create(ProductHost product) => new(
        new Command("export", "Write the model as ONNX: model.onnx (left, right -> similarity, the decision threshold as metadata) and embedding.onnx (image -> embedding).")
        {
            ModelOption, OutputOption, ThresholdOption,
        },
        (parsed, overrides, token) => Task.FromResult(Run(product, parsed, overrides, token)));

    /// <summary>A threshold as ONNX metadata takes it: in [0, 1] (a calibrated cut may lie a hair outside, below the lowest score).</summary>
    public static double UsableThreshold(double threshold) => Math.Clamp(threshold, 0, 1);

    private static int Run(ProductHost product, ParseResult parsed, string[] overrides, CancellationToken cancellationToken)
    {
        var given = parsed.GetValue(ThresholdOption);
        if (given is { } t && !(t is >= 0 and <= 1))
        {
            throw new UserInputException($"--threshold must be between 0 and 1 (got {t}).");
        }

        var model = CommonOptions.ResolveModel(parsed.GetValue(ModelOption)!);
        var output = ArgumentPaths.OutputFolder(parsed.GetValue(OutputOption), model.Folder);
        using var context = CommandContext.Create(product, overrides);
        var logger = context.Logger<SiameseModel>();
        var (threshold, source) = given is { } chosen
            ? (chosen, "--threshold")
            : Calibrated(logger, model) ?? (context.Options<EvaluationOptions>().Threshold, "Evaluation:Threshold");
        LogThreshold(logger, threshold, source);

        cancellationToken.ThrowIfCancellationRequested();
        using var scoring = SiameseModel.Load(model.Path);
        var similarity = Path.Combine(output, OnnxExport.ModelName);
        var embedding = Path.Combine(output, OnnxExport.EmbeddingName);
        OnnxExport.WriteModel(scoring, similarity, threshold);
        OnnxExport.WriteEmbedding(scoring, embedding);
        LogWritten(logger, model.Describe(), similarity, embedding);
        return ExitCode.Success;
    }

    /// <summary>The calibrated threshold of the <c>evaluation-full.json</c> beside <paramref name="model"/>, when there is one and it evaluated this file.</summary>
    internal static (double Threshold, string Source)? Calibrated(ILogger logger, ModelFile model)
    {
        var path = Path.Combine(model.Folder, EvaluateCommand.ReportName);
        if (!File.Exists(path))
        {
            return null;
        }

        string evaluated;
        double? threshold;
        try
        {
            using var report = JsonDocument.Parse(File.ReadAllText(path));
            evaluated = report.RootElement.GetProperty("Model").GetString() ?? "";
            // Null when the evaluation had no validation classes to calibrate on.
            var calibrated = report.RootElement.GetProperty("Calibrated");
            threshold = calibrated.ValueKind == JsonValueKind.Null ? null : calibrated.GetProperty("Threshold").GetDouble();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new UserInputException($"{path} is not a readable evaluation report ({e.Message}); run evaluate again or pass --threshold.", e);
        }

        // The report names the file it evaluated ("<path> (weights, model 784-128-128-128/L1)"): the same kind, shape and
        // file name, wherever the folder has moved since.
        var describedAs = model.Describe()[model.Path.Length..];
        if (!evaluated.EndsWith(describedAs, StringComparison.Ordinal)
            || Path.GetFileName(evaluated[..^describedAs.Length]) != Path.GetFileName(model.Path))
        {
            LogOtherReport(logger, path, evaluated);
            return null;
        }

        return threshold is { } calibratedThreshold ? (UsableThreshold(calibratedThreshold), $"the calibrated threshold in {path}") : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Threshold {Threshold:R} from {Source}")]
    private static partial void LogThreshold(ILogger logger, double threshold, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Report} evaluated {Evaluated}, not this model: its calibrated threshold is not used")]
    private static partial void LogOtherReport(ILogger logger, string report, string evaluated);

    [LoggerMessage(Level = LogLevel.Information, Message = "Exported {Model} as {Similarity} and {Embedding}")]
    private static partial void LogWritten(ILogger logger, string model, string similarity, string embedding);
}
