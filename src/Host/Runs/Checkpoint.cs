using System.Text.Json;
using System.Text.Json.Nodes;
using Siamese.Host.Training;
using Siamese.Model;

namespace Siamese.Host.Runs;

/// <summary>What a run's checkpoint header holds: the run's progress, the model it trains, the configuration it ran with.</summary>
internal sealed record CheckpointHeader(TrainingProgress Progress, ModelOptions Model, JsonObject? Configuration, DateTimeOffset? SavedAt);

/// <summary>
/// A run's checkpoint (<see cref="CheckpointFile"/>'s format): the header carries the <see cref="TrainingProgress"/>,
/// the model options and the effective configuration; the rest is the trainer's exact state.
/// </summary>
internal static class Checkpoint
{
    private const string ConfigurationProperty = "Configuration";
    private const string SavedAtProperty = "SavedAt";

    public static void Save(string path, TrainingProgress progress, ModelOptions model, JsonObject? configuration, SiameseTrainer trainer)
    {
        var header = new JsonObject
        {
            [CheckpointFile.ModelProperty] = JsonSerializer.SerializeToNode(model, AtomicFile.Json),
            [CheckpointFile.ProgressProperty] = JsonSerializer.SerializeToNode(progress, AtomicFile.Json),
            [ConfigurationProperty] = configuration?.DeepClone(),
            [SavedAtProperty] = DateTimeOffset.UtcNow,
        };
        CheckpointFile.Write(path, header, trainer);
    }

    /// <summary>Reads the progress alone (no tensors).</summary>
    /// <exception cref="CheckpointException">The file is missing, not a checkpoint, truncated or corrupt.</exception>
    public static TrainingProgress ReadProgress(string path) => Parse(path, CheckpointFile.ReadHeader(path)).Progress;

    /// <summary>Reads the header (no tensors).</summary>
    public static CheckpointHeader ReadHeader(string path) => Parse(path, CheckpointFile.ReadHeader(path));

    /// <summary>Reads the header and restores <paramref name="trainer"/>'s state from the rest of the file.</summary>
    public static CheckpointHeader Restore(string path, SiameseTrainer trainer) => Parse(path, CheckpointFile.Restore(path, trainer));

    /// <summary>A path given by the user: a checkpoint file, or a run folder holding one.</summary>
    public static string Resolve(string path) =>
        Directory.Exists(path) ? Path.Combine(path, RunFiles.Checkpoint) : path;

    private static CheckpointHeader Parse(string path, JsonObject header)
    {
        try
        {
            var progress = header[CheckpointFile.ProgressProperty]?.Deserialize<TrainingProgress>(AtomicFile.Json)
                ?? throw new CheckpointException(path, "has no training progress in its header");
            var savedAt = (header[SavedAtProperty] ?? header[CheckpointFile.ProgressProperty]?[SavedAtProperty])?.GetValue<DateTimeOffset>();
            return new CheckpointHeader(progress, CheckpointFile.ModelOf(path, header), header[ConfigurationProperty] as JsonObject, savedAt);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new CheckpointException(path, $"has a corrupt header ({e.Message})", e);
        }
    }
}
