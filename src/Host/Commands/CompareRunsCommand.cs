using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog.Extensions.Logging;
using Siamese.Host.Cli;
using Siamese.Host.Configuration;
using Siamese.Host.Evaluation;
using Siamese.Host.Plots;
using Siamese.Host.Runs;
using Siamese.Host.Training;
using Siamese.Model;

namespace Siamese.Host.Commands;

/// <summary>
/// <c>compare-runs &lt;config.json&gt; ...</c> (or the <c>Sweep:Variants</c> section): trains each variant exactly as
/// <c>train</c> does, each in its own host and run folder, then draws their accuracy curves side by side.
/// </summary>
internal static partial class CompareRunsCommand
{
    public const string FigureName = "accuracy-comparison.png";
    public const string SweepSection = "Sweep:Variants";

    private static readonly Argument<string[]> ConfigsArgument = new("configs")
    {
        Description = "JSON files of settings layered over appsettings.json, e.g. {\"Training\":{\"LearningRate\":1e-5}}; without any, the variants of the Sweep:Variants section.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private static readonly Option<string?> OutputOption = CommonOptions.Output("Folder holding one run folder per variant and accuracy-comparison.png (default: runs/compare-<timestamp>).");

    /// <summary>One variant: its name (file name or section key) and how it adds its settings to a configuration.</summary>
    public sealed record Variant(string Name, Action<IConfigurationBuilder> AddSettings);

    public static Verb Create(ProductHost product) => new(
        new Command("compare-runs", "Train several variants of the configuration (e.g. two learning rates) and draw their accuracy curves side by side.")
        {
            ConfigsArgument, OutputOption,
        },
        (parsed, overrides, token) => RunAsync(product, parsed, overrides, token));

    private static async Task<int> RunAsync(ProductHost product, ParseResult parsed, string[] overrides, CancellationToken cancellationToken)
    {
        // A variadic argument also collects the configuration overrides (--Training:Epochs=5) that follow it.
        var tokens = parsed.GetValue(ConfigsArgument) ?? [];
        var files = tokens.Where(t => !t.StartsWith("--", StringComparison.Ordinal)).ToArray();
        overrides = [.. overrides, .. tokens.Where(t => t.StartsWith("--", StringComparison.Ordinal))];
        var output = ArgumentPaths.OutputFolder(
            parsed.GetValue(OutputOption),
            Path.Combine(ProductHome.Locate(), "runs", "compare-" + DateTimeOffset.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
        var variants = files.Length > 0 ? files.Select(FromFile).ToArray() : FromSweep(product, overrides);
        var duplicate = variants.GroupBy(v => v.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new UserInputException($"Two variants are named '{duplicate.Key}'; each needs its own run folder, so give the files different names.");
        }

        // Every variant's settings are validated before any training starts.
        foreach (var variant in variants)
        {
            CommandContext.Create(product, overrides, builder => Layer(builder, variant, overrides, Path.Combine(output, variant.Name))).Dispose();
        }

        var runs = new List<NamedHistory>();
        try
        {
            foreach (var variant in variants)
            {
                int exitCode = await TrainAsync(product, variant, runs, variants.Length, overrides, output, cancellationToken).ConfigureAwait(false);
                if (exitCode != ExitCode.Success)
                {
                    return exitCode;
                }
            }
        }
        finally
        {
            // The last host has gone with its logger; whatever the caller logs next needs a live one.
            BootstrapLogger.Renew();
        }

        return ExitCode.Success;
    }

    /// <summary>Trains one variant in its own host, as the train verb does; the last one also draws the figure.</summary>
    private static async Task<int> TrainAsync(ProductHost product, Variant variant, List<NamedHistory> runs, int count, string[] overrides, string output, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(output, variant.Name);

        // The previous host (a validation pass or the last variant) took the bootstrap logger with it.
        BootstrapLogger.Renew();
        using var loggers = new SerilogLoggerFactory();
        var logger = loggers.CreateLogger(typeof(CompareRunsCommand).FullName!);
        LogVariant(logger, variant.Name, runs.Count + 1, count, folder);
        int exitCode = await TrainCommand.RunAsync(product, overrides, cancellationToken, builder => Layer(builder, variant, overrides, folder)).ConfigureAwait(false);
        BootstrapLogger.Renew();
        if (exitCode != ExitCode.Success)
        {
            return exitCode;
        }

        var history = EpochRecord.ParseCsv(await File.ReadAllTextAsync(Path.Combine(folder, RunFiles.History)).ConfigureAwait(false));
        runs.Add(new NamedHistory(variant.Name, history));
        LogTrained(logger, variant.Name, history[^1].Acc, history[^1].ValAcc, TestAccuracy(folder));
        if (runs.Count == count)
        {
            var figure = Path.Combine(output, FigureName);
            RunComparisonPlot.Save(runs, figure);
            LogFigure(logger, figure);
        }

        return ExitCode.Success;
    }

    /// <summary>Layers a variant over the configuration: appsettings, then the variant's settings, then the command line's, then its run folder.</summary>
    private static void Layer(HostApplicationBuilder builder, Variant variant, string[] overrides, string folder)
    {
        BootstrapLogger.Renew();
        variant.AddSettings(builder.Configuration);
        builder.Configuration.AddCommandLine(overrides);
        builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("Output:Directory", folder)]);
    }

    private static Variant FromFile(string argument)
    {
        var path = ArgumentPaths.Input(argument);
        if (!File.Exists(path))
        {
            throw new UserInputException($"Variant settings {path} do not exist.");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new UserInputException($"Variant settings {path} must be a JSON object such as {{\"Training\":{{\"LearningRate\":1e-5}}}}.");
            }
        }
        catch (JsonException e)
        {
            throw new UserInputException($"Variant settings {path} are not valid JSON ({e.Message}).", e);
        }

        return new Variant(ArgumentPaths.Slug(Path.GetFileNameWithoutExtension(path)), configuration => configuration.AddJsonFile(path, optional: false, reloadOnChange: false));
    }

    private static Variant[] FromSweep(ProductHost product, string[] overrides)
    {
        var sections = product.CreateBuilder(overrides).Configuration.GetSection(SweepSection).GetChildren().ToArray();
        if (sections.Length == 0)
        {
            throw new UserInputException($"compare-runs needs variant files (e.g. examples/lr-1e-3.json examples/lr-1e-5.json) or a {SweepSection} section in appsettings.json.");
        }

        return sections.Select(section =>
        {
            var settings = section.AsEnumerable(makePathsRelative: true).Where(kv => kv.Value is not null).ToArray();
            return new Variant(ArgumentPaths.Slug(section.Key), configuration => configuration.AddInMemoryCollection(settings));
        }).ToArray();
    }

    private static double TestAccuracy(string folder)
    {
        var path = Path.Combine(folder, RunFiles.Evaluation);
        return File.Exists(path) ? JsonSerializer.Deserialize<EvaluationResult>(File.ReadAllText(path), AtomicFile.Json)?.Accuracy ?? double.NaN : double.NaN;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Variant {Variant} ({Index}/{Count}) trains into {Folder}")]
    private static partial void LogVariant(ILogger logger, string variant, int index, int count, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Variant {Variant}: final acc {Acc:F4}, val_acc {ValAcc:F4}, test accuracy {TestAccuracy:F4}")]
    private static partial void LogTrained(ILogger logger, string variant, double acc, double valAcc, double testAccuracy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Accuracy curves side by side in {Figure}")]
    private static partial void LogFigure(ILogger logger, string figure);
}
