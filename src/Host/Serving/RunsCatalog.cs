using System.Text.Json;
using Siamese.Host.Commands;
using Siamese.Host.Runs;
using Siamese.Host.Training;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Serving;

/// <summary>
/// The run folders under one folder (<c>Serve:Runs</c>) with their history and metrics, for the page's runs view. The
/// catalog lists the folders itself; a request names a run only by a name from that list, never by a path.
/// </summary>
internal sealed class RunsCatalog(string root)
{
    /// <summary>Longest history or evaluation file read: 10,000 epochs of history take about 3 MB.</summary>
    private const long MaxFileBytes = 16L << 20;

    public string Root { get; } = Path.GetFullPath(root);

    public RunSummary[] List() => [.. Folders().Select(Summarise).OrderByDescending(run => run.Modified)];

    /// <summary>The run called <paramref name="name"/> with its whole history, or null when the list has no such run.</summary>
    public RunDetail? Find(string name)
    {
        var folder = Folders().FirstOrDefault(f => string.Equals(Path.GetFileName(f), name, StringComparison.Ordinal));
        return folder is null ? null : new RunDetail(Summarise(folder), [.. History(folder).Select(EpochResponse.Of)]);
    }

    /// <summary>Folders directly under <see cref="Root"/> that a run has written to.</summary>
    private IEnumerable<string> Folders()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        var options = new EnumerationOptions { IgnoreInaccessible = true, RecurseSubdirectories = false };
        return Directory.EnumerateDirectories(Root, "*", options)
            .Where(folder => File.Exists(Path.Combine(folder, RunFiles.HistoryJson)) || File.Exists(Path.Combine(folder, RunFiles.Checkpoint)) || File.Exists(Path.Combine(folder, RunFiles.Weights)));
    }

    private static RunSummary Summarise(string folder)
    {
        var history = History(folder);
        string status = File.Exists(Path.Combine(folder, RunFiles.Lock)) ? "running"
            : File.Exists(Path.Combine(folder, RunFiles.Weights)) ? "finished"
            : "stopped";
        var modified = new[] { RunFiles.HistoryJson, RunFiles.Weights, RunFiles.Checkpoint, RunFiles.Evaluation }
            .Select(name => Path.Combine(folder, name)).Where(File.Exists).Select(File.GetLastWriteTimeUtc)
            .DefaultIfEmpty(Directory.GetLastWriteTimeUtc(folder)).Max();
        return new RunSummary(Path.GetFileName(folder), status, history.Length, PlannedEpochs(folder), history.LastOrDefault() is { } last ? EpochResponse.Of(last) : null, Evaluation(folder), new DateTimeOffset(modified, TimeSpan.Zero));
    }

    private static EpochRecord[] History(string folder) =>
        Read(Path.Combine(folder, RunFiles.HistoryJson), json => JsonSerializer.Deserialize(json, ApiJson.Api.EpochRecordArray)) ?? [];

    private static int? PlannedEpochs(string folder) =>
        Read(Path.Combine(folder, RunFiles.Configuration), json =>
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty("Training", out var training) && training.TryGetProperty("Epochs", out var epochs) && epochs.TryGetInt32(out int planned)
                ? new[] { planned }
                : null;
        })?[0];

    private static RunEvaluation? Evaluation(string folder)
    {
        var atThreshold = Read(Path.Combine(folder, RunFiles.Evaluation), json =>
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return new RunEvaluation(Number(root, "Threshold"), Number(root, "Accuracy"), Number(root, "RocAuc"), null, null);
        });
        var calibrated = Read(Path.Combine(folder, EvaluateCommand.ReportName), json =>
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty("Calibrated", out var c) && c.ValueKind == JsonValueKind.Object && c.TryGetProperty("Test", out var test)
                ? new RunEvaluation(null, null, null, Number(c, "Threshold"), Number(test, "Accuracy"))
                : null;
        });
        return atThreshold is null && calibrated is null
            ? null
            : new RunEvaluation(atThreshold?.Threshold, atThreshold?.Accuracy, atThreshold?.RocAuc, calibrated?.CalibratedThreshold, calibrated?.CalibratedAccuracy);
    }

    private static double? Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    /// <summary>
    /// A small regular file's contents parsed by <paramref name="parse"/>, or null when it is missing, not a regular file
    /// (a pipe would block), too long, unreadable or not what <paramref name="parse"/> expects: one bad run folder must not
    /// hide the others.
    /// </summary>
    private static T? Read<T>(string path, Func<byte[], T?> parse)
        where T : class
    {
        try
        {
            if (!File.Exists(path) || RegularFile.Problem(path) is not null)
            {
                return default;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length > MaxFileBytes)
            {
                return default;
            }

            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return parse(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or EndOfStreamException)
        {
            return default;
        }
    }
}
