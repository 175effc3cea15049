using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Siamese.Model;

namespace Siamese.Host.Commands;

/// <summary>
/// Trained weights as a user names them: a run folder (its <c>model.bin</c>, else its <c>checkpoint.bin</c>), a
/// <c>model.bin</c> (with the <c>model.json</c> beside it giving the model's shape) or a checkpoint (whose header
/// holds the shape).
/// </summary>
public sealed class ModelFile
{
    private static readonly byte[] CheckpointMagic = "SIAMCKP1"u8.ToArray();

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

    /// <exception cref="UserInputException">Nothing usable is at <paramref name="path"/>.</exception>
    /// <exception cref="CheckpointException">The checkpoint's header is unreadable.</exception>
    public static ModelFile Resolve(string path)
    {
        if (Directory.Exists(path))
        {
            var weights = System.IO.Path.Combine(path, TrainingRun.WeightsName);
            var checkpoint = System.IO.Path.Combine(path, RunDirectory.CheckpointName);
            path = File.Exists(weights) ? weights
                : File.Exists(checkpoint) ? checkpoint
                : throw new UserInputException($"--model {path} is a folder with neither {TrainingRun.WeightsName} nor {RunDirectory.CheckpointName}.");
        }
        else if (!File.Exists(path))
        {
            throw new UserInputException($"--model {path} does not exist.");
        }

        path = System.IO.Path.GetFullPath(path);
        if (StartsWithCheckpointMagic(path))
        {
            return new ModelFile(path, true, Checkpoint.ReadInfo(path).Model);
        }

        var json = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, TrainingRun.ModelOptionsName);
        if (!File.Exists(json))
        {
            throw new UserInputException($"--model {path}: no {TrainingRun.ModelOptionsName} beside it to say the model's shape (it is written with {TrainingRun.WeightsName} at the end of a run).");
        }

        ModelOptions options;
        try
        {
            options = JsonSerializer.Deserialize<ModelOptions>(File.ReadAllText(json), RunDirectory.Json)
                ?? throw new UserInputException($"{json} is empty.");
            options.ThrowIfInvalid();
        }
        catch (Exception e) when (e is JsonException or ValidationException)
        {
            throw new UserInputException($"{json} is not a valid model description ({e.Message}).", e);
        }

        return new ModelFile(path, false, options);
    }

    /// <summary>A trainer holding these weights, for scoring (<see cref="SiameseTrainer.Similarities"/>).</summary>
    /// <exception cref="CheckpointException">The file is truncated or does not fit the model's shape.</exception>
    public SiameseTrainer Load(int torchThreads, int maxBatch)
    {
        var trainer = new SiameseTrainer(Options, new TrainerSettings { TorchThreads = torchThreads, MaxBatch = maxBatch });
        try
        {
            Restore(trainer);
            return trainer;
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
    }

    public string Describe() =>
        $"{Path} ({(IsCheckpoint ? "checkpoint" : "weights")}, model {Options.InputSize}-{string.Join("-", Options.GetHiddenSizes())}/{Options.Distance})";

    private void Restore(SiameseTrainer trainer)
    {
        try
        {
            if (IsCheckpoint)
            {
                Checkpoint.Restore(Path, trainer);
            }
            else
            {
                trainer.LoadWeights(Path);
            }
        }
        catch (Exception e) when (e is not (CheckpointException or OutOfMemoryException))
        {
            // TorchSharp reports a short or foreign file with assorted exception types; to the user it is one problem.
            throw new CheckpointException(Path, $"cannot be loaded as weights of this model ({e.GetBaseException().Message})", e);
        }
    }

    private static bool StartsWithCheckpointMagic(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var head = new byte[CheckpointMagic.Length];
            return stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.AsSpan().SequenceEqual(CheckpointMagic);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"--model {path} cannot be read ({e.Message}).", e);
        }
    }
}
