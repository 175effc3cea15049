using System.Text;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>
/// A trainer's files: its exact training state (inside a checkpoint), its weights alone (<c>model.bin</c>, TorchSharp's
/// format) and the PyTorch exports (<c>model.pt</c>, <c>model.safetensors</c>, keys as in
/// <see cref="SiameseTrainer.ParameterShapes"/>). Files are written with <see cref="AtomicFile"/>.
/// </summary>
public static class TrainerFiles
{
    /// <summary>
    /// The state file's format tag. Older versions are still read: <see cref="FirstStateFormat"/> holds RMSprop's mean
    /// squares only, and a state without the dropout generator resumes with new masks.
    /// </summary>
    private const string StateFormat = "Siamese.SiameseTrainer.State/3";
    private const string SecondStateFormat = "Siamese.SiameseTrainer.State/2";
    private const string FirstStateFormat = "Siamese.SiameseTrainer.State/1";

    /// <summary>
    /// Writes everything needed to continue training exactly where it stopped: the step count, the weights, the
    /// optimiser's state and libtorch's random generator state (dropout masks).
    /// </summary>
    public static void SaveState(this SiameseTrainer trainer, BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ThrowIfUnusable(trainer);
        writer.Write(StateFormat);
        writer.Write(trainer.Options.Describe());
        writer.Write(trainer.StepCount);
        trainer.Network.save(writer);
        writer.Write(trainer.Optimizer.Name);
        writer.Write(trainer.Optimizer.State.Count);
        foreach (var tensor in trainer.Optimizer.State)
        {
            tensor.Save(writer);
        }

        using Tensor rng = get_rng_state();
        rng.Save(writer);
        trainer.Network.DropoutRandom.Save(writer);
    }

    /// <summary>Restores what <see cref="SaveState"/> wrote; the model options must match.</summary>
    /// <exception cref="InvalidDataException">The data is not a trainer state for this model shape.</exception>
    public static void LoadState(this SiameseTrainer trainer, BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ThrowIfUnusable(trainer);
        (string format, long steps) = LoadStateWeights(trainer.Network, trainer.Options, reader);
        string optimizer = format == FirstStateFormat ? nameof(OptimizerKind.RMSprop) : reader.ReadString();
        int tensors = format == FirstStateFormat ? 1 : reader.ReadInt32();
        var state = trainer.Optimizer.State;
        if (optimizer != trainer.Optimizer.Name || tensors != state.Count)
        {
            throw new InvalidDataException($"The state is for the {optimizer} optimiser, not {trainer.Optimizer.Name}.");
        }

        foreach (var tensor in state)
        {
            StateReader.LoadTensor(tensor, reader, "optimiser state");
        }

        using Tensor rng = get_rng_state();
        StateReader.LoadTensor(rng, reader, "random generator state");
        set_rng_state(rng);
        if (format == StateFormat)
        {
            trainer.Network.DropoutRandom.Load(reader);
        }
        trainer.StepCount = steps;
    }

    /// <summary>
    /// Reads the start of what <see cref="SaveState"/> wrote, up to and including the weights, into
    /// <paramref name="network"/>, and leaves the optimiser's and the generator's state unread: all a model that only
    /// scores needs, without touching libtorch's global generator.
    /// </summary>
    /// <returns>The state's format and step count.</returns>
    /// <exception cref="InvalidDataException">The data is not a trainer state for this model shape.</exception>
    internal static (string Format, long Steps) LoadStateWeights(SiameseNetwork network, ModelOptions options, BinaryReader reader)
    {
        string format = reader.ReadString();
        if (format is not (StateFormat or SecondStateFormat or FirstStateFormat))
        {
            throw new InvalidDataException($"Not a trainer state (format '{format}', expected '{StateFormat}').");
        }

        string shape = reader.ReadString();
        if (shape != options.Describe())
        {
            throw new InvalidDataException($"The state is for model {shape}, not {options.Describe()}.");
        }

        long steps = reader.ReadInt64();
        StateReader.LoadModule(network, reader);
        return (format, steps);
    }

    /// <summary>Saves the weights in TorchSharp's format.</summary>
    public static void SaveWeights(this SiameseTrainer trainer, string path)
    {
        ThrowIfUnusable(trainer);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            trainer.Network.save(writer);
        });
    }

    /// <summary>Loads weights saved by <see cref="SaveWeights"/> for the same model options.</summary>
    public static void LoadWeights(this SiameseTrainer trainer, string path)
    {
        ThrowIfUnusable(trainer);
        LoadWeights(trainer.Network, path);
    }

    /// <summary>Reads a weights file (TorchSharp's module format) into <paramref name="network"/>, every shape checked before it is read.</summary>
    internal static void LoadWeights(SiameseNetwork network, string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        StateReader.LoadModule(network, reader);
        if (stream.Position != stream.Length)
        {
            throw new InvalidDataException($"{stream.Length - stream.Position} bytes follow the weights.");
        }
    }

    /// <summary>Writes the weights as a PyTorch state_dict (<c>torch.load(path)</c>).</summary>
    public static void ExportPyTorch(this SiameseTrainer trainer, string path) =>
        AtomicFile.Write(path, stream => WithStateDict(trainer, stateDict => PyTorchPickler.PickleStateDict(stream, stateDict, leaveOpen: true)));

    /// <summary>Writes the weights as a safetensors file.</summary>
    public static void ExportSafetensors(this SiameseTrainer trainer, string path) =>
        AtomicFile.Write(path, stream => WithStateDict(trainer, stateDict => Safetensors.SaveStateDict(stream, stateDict, leaveOpen: true)));

    private static void WithStateDict(SiameseTrainer trainer, Action<Dictionary<string, Tensor>> write)
    {
        ThrowIfUnusable(trainer);
        using var scope = NewDisposeScope();
        var stateDict = new Dictionary<string, Tensor>();
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in trainer.Network.named_parameters())
        {
            stateDict.Add(name, parameter.detach().clone());
        }

        write(stateDict);
    }

    private static void ThrowIfUnusable(SiameseTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ObjectDisposedException.ThrowIf(trainer.IsDisposed, trainer);
    }
}
