using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Siamese.Model;

/// <summary>
/// Trained weights as a user names them: a run folder (its <c>model.bin</c>, else its <c>checkpoint.bin</c>), a
/// <c>model.bin</c> (with the <c>model.json</c> beside it giving the model's shape) or a checkpoint (whose header
/// holds the shape).
/// </summary>
public sealed class ModelFile
{
    /// <summary>Final weights in TorchSharp's format.</summary>
    public const string WeightsName = "model.bin";

    /// <summary>The <see cref="ModelOptions"/> the weights beside it need.</summary>
    public const string OptionsName = "model.json";

    /// <summary>A model description longer than this (8 MiB, room for 100,000 class names) is corrupt; nothing longer is read.</summary>
    public const int MaxOptionsLength = 8 << 20;

    /// <summary>As the product writes JSON, with bounded depth and duplicate properties refused.</summary>
    private static readonly JsonSerializerOptions OptionsJson = new(AtomicFile.Json)
    {
        MaxDepth = CheckpointFile.MaxJsonDepth,
        AllowDuplicateProperties = false,
    };

    private ModelFile(string path, bool isCheckpoint, ModelOptions options)
    {
        Path = path;
        IsCheckpoint = isCheckpoint;
        Options = options;
    }

    /// <summary>The weights or checkpoint file.</summary>
    public string Path { get; }

    public bool IsCheckpoint { get; }

    public ModelOptions Options { get; }

    /// <summary>The run folder, or the folder the file is in: where outputs go by default.</summary>
    public string Folder => System.IO.Path.GetDirectoryName(Path)!;

    /// <exception cref="FileNotFoundException">Nothing usable is at <paramref name="path"/>; the message says what is missing.</exception>
    /// <exception cref="CheckpointException">The model description (model.json or the checkpoint's header) is unusable.</exception>
    public static ModelFile Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            var weights = System.IO.Path.Combine(path, WeightsName);
            var checkpoint = System.IO.Path.Combine(path, CheckpointFile.FileName);
            path = File.Exists(weights) ? weights
                : File.Exists(checkpoint) ? checkpoint
                : throw new FileNotFoundException($"{path} is a folder with neither {WeightsName} nor {CheckpointFile.FileName}.", path);
        }
        else if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} does not exist.", path);
        }

        path = System.IO.Path.GetFullPath(path);
        if (CheckpointFile.IsCheckpoint(path))
        {
            return new ModelFile(path, true, CheckpointFile.ReadModelOptions(path));
        }

        var json = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, OptionsName);
        if (!File.Exists(json))
        {
            throw new FileNotFoundException($"{path}: no {OptionsName} beside it to say the model's shape (it is written with {WeightsName} at the end of a run).", json);
        }

        return new ModelFile(path, false, ReadOptions(json));
    }

    /// <summary>Writes <paramref name="options"/> as the <see cref="OptionsName"/> of a folder, recording the widths in use.</summary>
    public static void WriteOptions(string folder, ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        AtomicFile.WriteJson(System.IO.Path.Combine(folder, OptionsName), options.WithEffectiveHiddenSizes());
    }

    /// <summary>
    /// The network alone with these weights, for a model that only scores: no optimiser, and no change to libtorch's
    /// thread count or generator state (building the network draws its initial weights from the generator, which the
    /// loaded weights then replace).
    /// </summary>
    /// <exception cref="CheckpointException">The file is truncated or does not fit the model's shape.</exception>
    internal SiameseNetwork LoadNetwork()
    {
        var network = new SiameseNetwork(Options);
        try
        {
            Restore(() =>
            {
                if (IsCheckpoint)
                {
                    CheckpointFile.RestoreWeights(Path, network, Options);
                }
                else
                {
                    TrainerFiles.LoadWeights(network, Path);
                }
            });
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    public string Describe() => $"{Path} ({(IsCheckpoint ? "checkpoint" : "weights")}, model {Options.Describe()})";

    private static ModelOptions ReadOptions(string json)
    {
        var text = ReadBounded(json);
        try
        {
            var options = JsonSerializer.Deserialize<ModelOptions>(text.Span, OptionsJson)
                ?? throw new CheckpointException(json, "is empty");
            options.ThrowIfInvalid();
            return options;
        }
        catch (Exception e) when (e is JsonException or ValidationException)
        {
            throw new CheckpointException(json, $"is not a valid model description ({e.Message})", e);
        }
    }

    /// <summary>The file's bytes (without a UTF-8 byte order mark), read no further than <see cref="MaxOptionsLength"/>.</summary>
    private static ReadOnlyMemory<byte> ReadBounded(string json)
    {
        var bytes = new byte[MaxOptionsLength + 1];
        int read;
        try
        {
            using var stream = File.OpenRead(json);
            read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(json, $"cannot be read ({e.Message})", e);
        }

        if (read > MaxOptionsLength)
        {
            throw new CheckpointException(json, $"is not a valid model description (longer than {MaxOptionsLength} bytes)");
        }

        var text = bytes.AsMemory(0, read);
        return text.Span.StartsWith("\uFEFF"u8) ? text[3..] : text;
    }

    private void Restore(Action restore)
    {
        try
        {
            restore();
        }
        catch (Exception e) when (e is not (CheckpointException or OutOfMemoryException))
        {
            // TorchSharp reports a short or foreign file with assorted exception types; to the user it is one problem.
            throw new CheckpointException(Path, $"cannot be loaded as weights of this model ({e.GetBaseException().Message})", e);
        }
    }
}
