using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Siamese.Model;

/// <summary>
/// The checkpoint format: magic <c>SIAMCKP2</c>, a length-prefixed UTF-8 JSON header, then the trainer's state
/// (<see cref="TrainerFiles.SaveState"/>). The header is an object whose <c>Model</c> property holds the
/// <see cref="ModelOptions"/> the state needs; the rest (the run's progress and configuration) belongs to the writer.
/// </summary>
/// <remarks>Version 1 (<c>SIAMCKP1</c>) kept the progress at the header's top level; it is read as a version 2 header whose <c>Progress</c> is that top level.</remarks>
public static class CheckpointFile
{
    public const string FileName = "checkpoint.bin";

    /// <summary>The header's property holding the model options.</summary>
    public const string ModelProperty = "Model";

    /// <summary>The header's property holding the writer's progress (version 1 headers are normalised to it).</summary>
    public const string ProgressProperty = "Progress";

    /// <summary>
    /// A header longer than this is corrupt: a 400-epoch run's is about 130 KB (about 300 bytes per epoch of history).
    /// Parsed JSON can take tens of times its length in memory, so this also bounds what a hostile header can cost.
    /// </summary>
    public const int MaxHeaderLength = 16 << 20;

    /// <summary>JSON nested deeper than this is corrupt (a real header nests 4 levels).</summary>
    public const int MaxJsonDepth = 32;

    private static readonly byte[] Magic = "SIAMCKP2"u8.ToArray();
    private static readonly byte[] FirstMagic = "SIAMCKP1"u8.ToArray();

    /// <summary>How a header is parsed: bounded depth; a duplicate property is an error at once rather than when it is first read.</summary>
    private static readonly JsonDocumentOptions HeaderJson = new() { MaxDepth = MaxJsonDepth, AllowDuplicateProperties = false };

    /// <summary>Writes <paramref name="header"/> (which must carry <see cref="ModelProperty"/>) and the trainer's state to <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, JsonObject header, SiameseTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(trainer);
        var json = Encoding.UTF8.GetBytes(header.ToJsonString(AtomicFile.Json));
        if (json.Length > MaxHeaderLength)
        {
            throw new InvalidOperationException($"A checkpoint header of {json.Length} bytes would exceed the {MaxHeaderLength} a reader accepts.");
        }

        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(json.Length);
            writer.Write(json);
            trainer.SaveState(writer);
        });
    }

    /// <summary>Whether <paramref name="path"/> starts like a checkpoint (either version).</summary>
    /// <exception cref="CheckpointException">The file cannot be read.</exception>
    public static bool IsCheckpoint(string path)
    {
        var head = new byte[Magic.Length];
        try
        {
            using var stream = File.OpenRead(path);
            if (stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) != head.Length)
            {
                return false;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(path, $"cannot be read ({e.Message})", e);
        }

        return head.AsSpan().SequenceEqual(Magic) || head.AsSpan().SequenceEqual(FirstMagic);
    }

    /// <summary>Reads only the header (no tensors), normalised to version 2.</summary>
    /// <exception cref="CheckpointException">The file is missing, not a checkpoint, truncated or corrupt.</exception>
    public static JsonObject ReadHeader(string path) => Read(path, restore: null);

    /// <summary>Reads the header and restores <paramref name="trainer"/>'s state from the rest of the file.</summary>
    /// <exception cref="CheckpointException">As <see cref="ReadHeader"/>, or the state does not fit the trainer's model.</exception>
    public static JsonObject Restore(string path, SiameseTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        return Read(path, reader => trainer.LoadState(reader));
    }

    /// <summary>Restores only the weights of a checkpoint's state into <paramref name="network"/> (a model that only scores).</summary>
    /// <exception cref="CheckpointException">As <see cref="Restore"/>.</exception>
    internal static void RestoreWeights(string path, SiameseNetwork network, ModelOptions options) =>
        Read(path, reader => TrainerFiles.LoadStateWeights(network, options, reader));

    /// <summary>The model options recorded in the header.</summary>
    public static ModelOptions ReadModelOptions(string path) => ModelOf(path, ReadHeader(path));

    /// <summary>The model options of a header read by <see cref="ReadHeader"/>.</summary>
    public static ModelOptions ModelOf(string path, JsonObject header)
    {
        ArgumentNullException.ThrowIfNull(header);
        try
        {
            var options = header[ModelProperty]?.Deserialize<ModelOptions>(AtomicFile.Json)
                ?? throw new CheckpointException(path, $"has no {ModelProperty} in its header");
            options.ThrowIfInvalid();
            return options;
        }
        catch (Exception e) when (e is JsonException or System.ComponentModel.DataAnnotations.ValidationException)
        {
            throw new CheckpointException(path, $"has an unusable model description ({e.Message})", e);
        }
    }

    private static JsonObject Read(string path, Action<BinaryReader>? restore)
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

        using (stream)
        using (var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true))
        {
            var header = ReadHeader(path, stream, reader);
            if (restore is not null)
            {
                try
                {
                    restore(reader);
                }
                catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or InvalidOperationException or FormatException or InvalidDataException)
                {
                    throw new CheckpointException(path, $"model state is truncated or does not match the configured model ({e.Message})", e);
                }
            }

            return header;
        }
    }

    private static JsonObject ReadHeader(string path, FileStream stream, BinaryReader reader)
    {
        try
        {
            var magic = reader.ReadBytes(Magic.Length);
            bool first = magic.AsSpan().SequenceEqual(FirstMagic);
            if (!first && !magic.AsSpan().SequenceEqual(Magic))
            {
                throw new CheckpointException(path, "is not a checkpoint of this program (bad magic)");
            }

            int length = reader.ReadInt32();
            long remaining = stream.Length - stream.Position;
            if (length <= 0 || length > MaxHeaderLength || length > remaining)
            {
                throw new CheckpointException(path, $"has a corrupt header (length {length}; {remaining} bytes follow, at most {MaxHeaderLength} are accepted)");
            }

            var json = reader.ReadBytes(length);
            if (json.Length < length)
            {
                throw new CheckpointException(path, $"is truncated (its header declares {length} bytes, {json.Length} follow)");
            }

            if (!Utf8.IsValid(json))
            {
                throw new CheckpointException(path, "has a header that is not valid UTF-8");
            }

            var header = JsonNode.Parse(json, documentOptions: HeaderJson) as JsonObject
                ?? throw new CheckpointException(path, "has a header that is not a JSON object");
            return first ? FromFirstVersion(header) : header;
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException)
        {
            throw new CheckpointException(path, $"is truncated or corrupt ({e.Message})", e);
        }
    }

    private static JsonObject FromFirstVersion(JsonObject flat)
    {
        var model = flat[ModelProperty]?.DeepClone();
        flat.Remove(ModelProperty);
        return new JsonObject { [ModelProperty] = model, [ProgressProperty] = flat };
    }
}
