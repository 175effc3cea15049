using System.Text;
using System.Text.Json;
using Siamese.Model;

namespace Siamese.Host;

/// <summary>
/// Where a run stands: completed epochs, the position inside the current epoch (a checkpoint written on
/// interruption can fall mid-epoch), how many batches the data stream has delivered (its random state: the
/// stream is rebuilt by skipping that many batches), the running sums of the current epoch and the history.
/// </summary>
public sealed record CheckpointInfo(
    int CompletedEpochs,
    int StepInEpoch,
    long BatchesConsumed,
    double EpochLossSum,
    long EpochCorrect,
    long EpochPairs,
    double EpochSeconds,
    IReadOnlyList<EpochRecord> History,
    ModelOptions Model,
    DateTimeOffset SavedAt);

/// <summary>
/// The checkpoint file: magic <c>SIAMCKP1</c>, a length-prefixed UTF-8 JSON <see cref="CheckpointInfo"/>, then the
/// trainer's state (weights, optimiser state, step counter, torch generator state).
/// </summary>
public static class Checkpoint
{
    private static readonly byte[] Magic = "SIAMCKP1"u8.ToArray();

    public static void Save(RunDirectory run, CheckpointInfo info, SiameseTrainer trainer) =>
        run.WriteAtomically(RunDirectory.CheckpointName, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            var json = JsonSerializer.SerializeToUtf8Bytes(info, RunDirectory.Json);
            writer.Write(json.Length);
            writer.Write(json);
            trainer.SaveState(writer);
        });

    /// <summary>Reads only the header (no tensors).</summary>
    public static CheckpointInfo ReadInfo(string path)
    {
        using var stream = OpenChecked(path, out var reader);
        using (reader)
        {
            return ReadHeader(path, reader);
        }
    }

    /// <summary>Reads the header and restores <paramref name="trainer"/>'s state from the rest of the file.</summary>
    public static CheckpointInfo Restore(string path, SiameseTrainer trainer)
    {
        using var stream = OpenChecked(path, out var reader);
        using (reader)
        {
            var info = ReadHeader(path, reader);
            try
            {
                trainer.LoadState(reader);
            }
            catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or InvalidOperationException or FormatException)
            {
                throw new CheckpointException(path, $"model state is truncated or does not match the configured model ({e.Message})", e);
            }

            return info;
        }
    }

    /// <summary>A path given by the user: a checkpoint file, or a run folder holding one.</summary>
    public static string Resolve(string path) =>
        Directory.Exists(path) ? Path.Combine(path, RunDirectory.CheckpointName) : path;

    private static FileStream OpenChecked(string path, out BinaryReader reader)
    {
        FileStream stream;
        try
        {
            stream = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(path, $"cannot be read ({e.Message})", e);
        }

        reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        return stream;
    }

    private static CheckpointInfo ReadHeader(string path, BinaryReader reader)
    {
        try
        {
            var magic = reader.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
            {
                throw new CheckpointException(path, "is not a checkpoint of this program (bad magic)");
            }

            int length = reader.ReadInt32();
            if (length <= 0 || length > 64 << 20)
            {
                throw new CheckpointException(path, $"has a corrupt header (length {length})");
            }

            var json = reader.ReadBytes(length);
            if (json.Length != length)
            {
                throw new CheckpointException(path, "is truncated in its header");
            }

            return JsonSerializer.Deserialize<CheckpointInfo>(json, RunDirectory.Json)
                ?? throw new CheckpointException(path, "has an empty header");
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException)
        {
            throw new CheckpointException(path, $"is truncated or corrupt ({e.Message})", e);
        }
    }
}

/// <summary>A checkpoint or weights file that cannot be used; the message names the file.</summary>
public sealed class CheckpointException(string path, string problem, Exception? inner = null)
    : Exception($"{path} {problem}", inner);
