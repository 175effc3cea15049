using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Siamese.Host.Plots;

namespace Siamese.Host.Commands;

/// <summary>
/// <c>compare-runs &lt;config.json&gt; ...</c> (or the <c>Sweep:Variants</c> section): trains each variant exactly as
/// <c>train</c> does, each in its own host and run folder, then draws their accuracy curves side by side.
/// </summary>
public sealed partial class CompareRunsCommand
{
    public const string FigureName = "accuracy-comparison.png";
    public const string SweepSection = "Sweep:Variants";

    private static readonly Argument<string[]> ConfigsArgument = new("configs")
    {
        Description = "JSON files of settings layered over appsettings.json, e.g. {\"Training\":{\"LearningRate\":1e-5}}; without any, the variants of the Sweep:Variants section.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private static readonly Option<string?> OutputOption = new("--output")
    {
        Description = "Folder holding one run folder per variant and accuracy-comparison.png (default: runs/compare-<timestamp>).",
    };

    private readonly ILogger<CompareRunsCommand> _logger;

    public CompareRunsCommand(ILogger<CompareRunsCommand> logger) => _logger = logger;

    /// <summary>One variant: its name (file name or section key) and how it adds its settings to a configuration.</summary>
    public sealed record Variant(string Name, Action<IConfigurationBuilder> AddSettings);

    internal static Command Create() => new("compare-runs", "Train several variants of the configuration (e.g. two learning rates) and draw their accuracy curves side by side.")
    {
        ConfigsArgument, OutputOption,
    };

    internal static async Task<int> RunAsync(ParseResult parsed, string[] overrides)
    {
        // A variadic argument also collects the configuration overrides (--Training:Epochs=5) that follow it.
        var tokens = parsed.GetValue(ConfigsArgument) ?? [];
        var files = tokens.Where(t => !t.StartsWith("--", StringComparison.Ordinal)).ToArray();
        overrides = [.. overrides, .. tokens.Where(t => t.StartsWith("--", StringComparison.Ordinal))];
        var output = ArgumentPaths.OutputFolder(
            parsed.GetValue(OutputOption),
            Path.Combine(ProductHome.Locate(), "runs", "compare-" + DateTimeOffset.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
        var variants = files.Length > 0 ? files.Select(FromFile).ToArray() : FromSweep(overrides);
        var duplicate = variants.GroupBy(v => v.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new UserInputException($"Two variants are named '{duplicate.Key}'; each needs its own run folder, so give the files different names.");
        }

        // Every variant's settings are validated before any training starts.
        foreach (var variant in variants)
        {
            ProductHost.Build(Builder(variant, overrides, Path.Combine(output, variant.Name))).Dispose();
        }

        var runs = new List<NamedHistory>();
        try
        {
            foreach (var variant in variants)
            {
                int exitCode = await TrainAsync(variant, runs, variants.Length, overrides, output).ConfigureAwait(false);
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
    private static async Task<int> TrainAsync(Variant variant, List<NamedHistory> runs, int count, string[] overrides, string output)
    {
        var folder = Path.Combine(output, variant.Name);
        var builder = Builder(variant, overrides, folder);
        builder.Services.AddHostedService<TrainingWorker>();
        using var host = ProductHost.Build(builder);
        var command = ActivatorUtilities.CreateInstance<CompareRunsCommand>(host.Services);
        command.LogVariant(variant.Name, runs.Count + 1, count, folder);
        var exitCode = host.Services.GetRequiredService<ExitCode>();
        await host.RunAsync().ConfigureAwait(false);
        if (exitCode.Value != ExitCode.Success)
        {
            return exitCode.Value;
        }

        var history = EpochRecord.ParseCsv(await File.ReadAllTextAsync(Path.Combine(folder, "history.csv")).ConfigureAwait(false));
        runs.Add(new NamedHistory(variant.Name, history));
        command.LogTrained(variant.Name, history[^1].Acc, history[^1].ValAcc, TestAccuracy(folder));
        if (runs.Count == count)
        {
            var figure = Path.Combine(output, FigureName);
            RunComparisonPlot.Save(runs, figure);
            command.LogFigure(figure);
        }

        return ExitCode.Success;
    }

    /// <summary>The host of one variant: appsettings, then the variant's settings, then the command line's, then its run folder.</summary>
    internal static HostApplicationBuilder Builder(Variant variant, string[] overrides, string folder)
    {
        BootstrapLogger.Renew();
        var builder = ProductHost.CreateBuilder(overrides);
        variant.AddSettings(builder.Configuration);
        builder.Configuration.AddCommandLine(overrides);
        builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>("Output:Directory", folder)]);
        return builder;
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

    private static Variant[] FromSweep(string[] overrides)
    {
        var sections = ProductHost.CreateBuilder(overrides).Configuration.GetSection(SweepSection).GetChildren().ToArray();
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
        var path = Path.Combine(folder, "evaluation.json");
        return File.Exists(path) ? JsonSerializer.Deserialize<EvaluationResult>(File.ReadAllText(path), RunDirectory.Json)?.Accuracy ?? double.NaN : double.NaN;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Variant {Variant} ({Index}/{Count}) trains into {Folder}")]
    private partial void LogVariant(string variant, int index, int count, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Variant {Variant}: final acc {Acc:F4}, val_acc {ValAcc:F4}, test accuracy {TestAccuracy:F4}")]
    private partial void LogTrained(string variant, double acc, double valAcc, double testAccuracy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Accuracy curves side by side in {Figure}")]
    private partial void LogFigure(string figure);
}
