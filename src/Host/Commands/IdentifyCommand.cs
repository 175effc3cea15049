using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Siamese.Host.Cli;
using Siamese.Host.Configuration;
using Siamese.Host.Imaging;
using Siamese.Model;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Commands;

/// <summary>One query's answer, as <c>identify.json</c> records it.</summary>
/// <param name="RunnerUp">The next most similar class; null when the gallery has one class.</param>
internal sealed record IdentifyResult(string Query, string Class, float Similarity, string? RunnerUp, float? RunnerUpSimilarity, bool IsUnknown);

/// <summary>What <c>identify</c> writes to <c>identify.json</c>.</summary>
internal sealed record IdentifyReport(string Model, string Gallery, int GalleryClasses, int GalleryImages, double Threshold, string ThresholdSource, string Rule, IReadOnlyList<IdentifyResult> Results);

/// <summary>
/// <c>identify --model ... --gallery &lt;folder | zip&gt; &lt;query files or folders&gt;</c>: the model used on classes it
/// never saw. The gallery (<c>&lt;class&gt;/&lt;picture&gt;</c> or <c>&lt;group&gt;/&lt;class&gt;/&lt;picture&gt;</c>, one picture or
/// more per class) is enrolled in a <see cref="Gallery"/>, and each query is identified among its classes: the best
/// class, its similarity, the runner-up, and "unknown" when the best similarity is not above the threshold. One line per
/// query, and <c>identify.csv</c> and <c>identify.json</c>.
/// </summary>
internal static partial class IdentifyCommand
{
    public const string CsvName = "identify.csv";
    public const string JsonName = "identify.json";
    public const string DefaultFolder = "runs/identify";

    /// <summary>Most queries in one call: each is held prepared (side² bytes) until all are identified.</summary>
    public const int MaxQueries = 100_000;

    private static readonly string[] PictureExtensions = [".png", ".jpg", ".jpeg"];

    private static readonly Argument<string[]> QueriesArgument = new("queries")
    {
        Description = "Pictures to identify (PNG or JPEG), or folders of them (the pictures directly inside, in name order).",
        Arity = ArgumentArity.OneOrMore,
    };

    private static readonly Option<string> ModelOption = CommonOptions.Model();

    private static readonly Option<string> GalleryOption = new("--gallery")
    {
        Description = "A folder or .zip of the known classes' pictures, <class>/<picture> or <group>/<class>/<picture>, one picture or more per class.",
        Required = true,
    };

    private static readonly Option<double?> ThresholdOption = new("--threshold")
    {
        Description = "A query whose best class's similarity is not above this is unknown (default: the calibrated threshold of an evaluation-full.json beside the model, else Evaluation:Threshold).",
    };

    private static readonly Option<bool> InvertOption = CommonOptions.Invert("For a model trained on MNIST: the pictures are dark ink on light paper (a model trained on an image set records this itself).");

    private static readonly Option<string?> OutputOption = CommonOptions.Output($"Folder for {CsvName} and {JsonName} (default: {DefaultFolder}).");

    public static Verb Create(ProductHost product) => new(
        new Command("identify", "Identify pictures among classes the model never saw: enrol a gallery (a folder or zip of <class>/<picture>, one picture or more per class) and print, for each query, the most similar class, its similarity, the runner-up, and whether it is unknown (not above the threshold).")
        {
            QueriesArgument, ModelOption, GalleryOption, ThresholdOption, InvertOption, OutputOption,
        },
        (parsed, overrides, token) => Task.FromResult(Run(product, parsed, overrides, token)));

    private static int Run(ProductHost product, ParseResult parsed, string[] overrides, CancellationToken cancellationToken)
    {
        var given = parsed.GetValue(ThresholdOption);
        if (given is { } t && !(t is >= 0 and <= 1))
        {
            throw new UserInputException($"--threshold must be between 0 and 1 (got {t}).");
        }

        var model = CommonOptions.ResolveModel(parsed.GetValue(ModelOption)!);
        var galleryPath = ArgumentPaths.Input(parsed.GetValue(GalleryOption)!);
        var queries = QueryFiles(parsed.GetValue(QueriesArgument)!);
        var output = ArgumentPaths.OutputFolder(parsed.GetValue(OutputOption), Path.GetFullPath(DefaultFolder, ProductHome.Locate()));
        var pictures = new ModelPicture(model.Options, parsed.GetValue(InvertOption));

        using var context = CommandContext.Create(product, overrides);
        var logger = context.Logger<Gallery>();
        var (threshold, source) = given is { } chosen
            ? (chosen, "--threshold")
            : ExportCommand.Calibrated(logger, model) ?? (context.Options<EvaluationOptions>().Threshold, "Evaluation:Threshold");

        // Every picture is read before anything is logged: a bad one is refused in one line.
        var set = ImageFolderReader.Read(galleryPath, pictures.Side, pictures.Prepare, minimumPerClass: 1, cancellationToken);
        var pixels = new byte[(long)queries.Count * pictures.InputSize];
        for (int q = 0; q < queries.Count; q++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            pictures.Load(queries[q]).CopyTo(pixels.AsSpan(q * pictures.InputSize));
        }

        LogGallery(logger, set.ImageCount, set.Classes.Count, set.Source, pictures.Describe());
        if (model.Options.Classes is { } trained && set.Classes.Select(c => c.Name).Intersect(trained, StringComparer.Ordinal).ToList() is { Count: > 0 } seen)
        {
            LogSeenClasses(logger, seen.Count, string.Join(", ", seen.Take(5)));
        }

        LogThreshold(logger, threshold, source);
        using var scoring = SiameseModel.Load(model.Path);
        var gallery = new Gallery(scoring, threshold);
        foreach (var known in set.Classes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            gallery.Enrol(known.Name, known.Pixels.Span);
        }

        var results = new List<IdentifyResult>(queries.Count);
        int chunk = Math.Max(1, scoring.ChunkImages);
        for (int start = 0; start < queries.Count; start += chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(chunk, queries.Count - start);
            var answers = gallery.IdentifyMany(pixels.AsSpan(start * pictures.InputSize, n * pictures.InputSize));
            for (int i = 0; i < n; i++)
            {
                var a = answers[i];
                var result = new IdentifyResult(queries[start + i], a.Class, a.Similarity, a.RunnerUp, a.RunnerUp is null ? null : a.RunnerUpSimilarity, a.IsUnknown);
                results.Add(result);
                LogAnswer(logger, Describe(result, threshold));
            }
        }

        int unknown = results.Count(r => r.IsUnknown);
        var report = new IdentifyReport(model.Describe(), set.Source, set.Classes.Count, set.ImageCount, threshold, source,
            "a class scores the best similarity of its gallery pictures; the best class wins (ties: the class first in the gallery's order); unknown unless its similarity is above the threshold",
            results);
        var csv = Path.Combine(output, CsvName);
        var json = Path.Combine(output, JsonName);
        AtomicFile.WriteAllText(csv, Csv(results));
        AtomicFile.WriteJson(json, report);
        LogSummary(logger, results.Count, results.Count - unknown, unknown, csv, json);
        return ExitCode.Success;
    }

    /// <summary>The pictures the arguments name: files as given, folders' pictures in ordinal order of their names.</summary>
    private static List<string> QueryFiles(IEnumerable<string> arguments)
    {
        var files = new List<string>();
        foreach (var argument in arguments)
        {
            var path = ArgumentPaths.Input(argument);
            if (Directory.Exists(path))
            {
                var inside = Directory.EnumerateFiles(path)
                    .Where(f => !Path.GetFileName(f).StartsWith('.') && PictureExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                    .Take(MaxQueries + 1)
                    .ToList();
                if (inside.Count == 0)
                {
                    throw new UserInputException($"Query folder {path} holds no PNG or JPEG pictures.");
                }

                files.AddRange(inside);
            }
            else
            {
                files.Add(path);
            }

            if (files.Count > MaxQueries)
            {
                throw new UserInputException($"More than {MaxQueries:N0} queries; identify them in several calls.");
            }
        }

        return files;
    }

    private static string Describe(IdentifyResult r, double threshold)
    {
        var runnerUp = r.RunnerUp is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"; runner-up {r.RunnerUp} {r.RunnerUpSimilarity:F3}");
        return r.IsUnknown
            ? string.Create(CultureInfo.InvariantCulture, $"{r.Query}: unknown (best {r.Class} {r.Similarity:F3}, not above {threshold:0.###}{runnerUp})")
            : string.Create(CultureInfo.InvariantCulture, $"{r.Query}: {r.Class} {r.Similarity:F3}{runnerUp}");
    }

    private static string Csv(IEnumerable<IdentifyResult> results)
    {
        var text = new StringBuilder("query,class,similarity,runner_up,runner_up_similarity,unknown\n");
        foreach (var r in results)
        {
            text.Append(Field(r.Query)).Append(',')
                .Append(Field(r.Class)).Append(',')
                .Append(r.Similarity.ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .Append(Field(r.RunnerUp ?? string.Empty)).Append(',')
                .Append(r.RunnerUpSimilarity?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty).Append(',')
                .Append(r.IsUnknown ? "true" : "false").Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A CSV field, quoted (RFC 4180) when it holds a comma, a quote or a line break.</summary>
    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    [LoggerMessage(Level = LogLevel.Information, Message = "Gallery: {Images} pictures of {Classes} classes from {Source}, prepared {Preparation}")]
    private static partial void LogGallery(ILogger logger, int images, int classes, string source, string preparation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} gallery classes have the names of classes the model was trained on (such as {Classes}): they are not new to it")]
    private static partial void LogSeenClasses(ILogger logger, int count, string classes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Threshold {Threshold:R} from {Source}")]
    private static partial void LogThreshold(ILogger logger, double threshold, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Answer}")]
    private static partial void LogAnswer(ILogger logger, string answer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Identified {Queries} queries: {Known} known, {Unknown} unknown; wrote {Csv} and {Json}")]
    private static partial void LogSummary(ILogger logger, int queries, int known, int unknown, string csv, string json);
}
