using System.Globalization;
using Siamese.Host.Cli;
using Siamese.Host.Configuration;
using Siamese.Host.Runs;
using Siamese.Model;
using Siamese.Pipeline;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Training;

/// <summary>What must hold before a run trains, each refused in one line that says which setting to change.</summary>
internal static class RunPreconditions
{
    /// <summary>
    /// Settings a resumed run may change: where data and outputs go, how long it runs, how it is watched and evaluated,
    /// and the pipeline's plumbing (none changes a batch or a step). Every other setting must be as the checkpoint
    /// recorded it. Named through the options' properties, so a renamed property cannot silently leave the list.
    /// </summary>
    private static readonly string[] MayChangeOnResume =
    [
        Key(TrainingOptions.SectionName, nameof(TrainingOptions.Epochs)),
        Key(TrainingOptions.SectionName, nameof(TrainingOptions.ResumeFrom)),
        Key(TrainingOptions.SectionName, nameof(TrainerSettings.TorchThreads)),
        Section(OutputOptions.SectionName),
        Section(TelemetryOptions.SectionName),
        Section(EvaluationOptions.SectionName),
        Key(DataOptions.SectionName, nameof(DataOptions.Directory)),
        Key(DataOptions.SectionName, nameof(DataOptions.File)),
        Key(DataOptions.SectionName, nameof(DataOptions.Sources)),
        Key(DataOptions.SectionName, nameof(DataOptions.EffectiveSources)),
        Key(DataOptions.SectionName, nameof(DataOptions.KerasUrl)),
        Key(DataOptions.SectionName, nameof(DataOptions.DownloadTimeoutSeconds)),
        Key(DataOptions.SectionName, nameof(DataOptions.NpmPackage)),
        Key(DataOptions.SectionName, nameof(DataOptions.NpmTimeoutSeconds)),
        Key(DataOptions.SectionName, nameof(DataOptions.OmniglotUrl)),
        Key(DataOptions.SectionName, nameof(DataOptions.OmniglotTimeoutSeconds)),
        Key(PipelineOptions.SectionName, nameof(PipelineOptions.Workers)),
        Key(PipelineOptions.SectionName, nameof(PipelineOptions.ProducerCapacity)),
        Key(PipelineOptions.SectionName, nameof(PipelineOptions.BlockSize)),
        Key(PipelineOptions.SectionName, nameof(PipelineOptions.BatchCapacity)),
    ];

    /// <summary>The split can feed a run: two classes or more in training (and in validation when validation runs, and in test unless there is none), images the model's size.</summary>
    /// <exception cref="UserInputException">It cannot; the message names the setting.</exception>
    public static void CheckData(DatasetSplit split, ModelOptions model, int validationSteps)
    {
        if (split.Train.Count < 2)
        {
            throw new UserInputException($"The training images hold {Describe(split.Train)}; a Siamese network needs at least two classes to tell apart.");
        }

        if (validationSteps > 0 && split.Validation.Sum(c => c.Count) == 0)
        {
            throw new UserInputException($"Data:ValidationFraction leaves no validation images; raise it, or set Training:ValidationSteps=0 to train without validation.");
        }

        if (validationSteps > 0 && split.Validation.Count < 2)
        {
            throw new UserInputException($"Data:ValidationFraction leaves validation images of {Describe(split.Validation)}; validation pairs need at least two classes: raise it, or set Training:ValidationSteps=0.");
        }

        if (split.Test.Count == 1 || split.Test.Any(c => c.Count < 2))
        {
            throw new UserInputException($"The test images hold {Describe(split.Test)}; the evaluation needs at least two classes with two images each (or, for an image set, Data:TestFraction=0 for none).");
        }

        var first = split.Train[0];
        if (first.ImageSize != model.InputSize)
        {
            throw new UserInputException($"The images are {first.Height}×{first.Width} ({first.ImageSize} pixels) but Model:InputSize is {model.InputSize}; set --Model:InputSize={first.ImageSize} (an image set's side is Data:ImageSide).");
        }
    }

    /// <summary>A run folder holding a run is not overwritten: resumed from its own checkpoint, replaced with Output:Overwrite, or refused.</summary>
    /// <exception cref="RunDirectoryException">It holds a run and neither applies.</exception>
    public static void CheckFolder(RunDirectory run, string? resume, bool overwrite)
    {
        var existing = new[] { RunFiles.Checkpoint, RunFiles.History, RunFiles.Weights }.Where(name => File.Exists(run.File(name))).ToArray();
        if (existing.Length == 0 || (resume is not null && Path.GetFullPath(resume) == run.CheckpointPath))
        {
            return;
        }

        if (!overwrite)
        {
            throw new RunDirectoryException(run.Path, $"already holds a run ({string.Join(", ", existing)}); continue it with --Training:ResumeFrom={run.Path}, choose another Output:Directory, or replace it with --Output:Overwrite=true");
        }

        foreach (var name in typeof(RunFiles).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Where(n => n != RunFiles.Lock))
        {
            var path = run.File(name);
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>A resumed run trains with the settings its checkpoint was trained with, except those that change no batch or step.</summary>
    /// <exception cref="CheckpointException">Other settings differ; every one is named with both values.</exception>
    public static void CheckResume(string checkpoint, System.Text.Json.Nodes.JsonObject current)
    {
        var saved = Checkpoint.ReadHeader(checkpoint).Configuration;
        if (saved is null)
        {
            return;   // A first-version checkpoint: its model shape is still checked when the state is loaded.
        }

        var before = Flatten(saved);
        var now = Flatten(current);
        // A key the checkpoint does not have is a setting added since it was written: the run used its default.
        var differing = before.Keys
            .Where(key => !MayChangeOnResume.Any(allowed => key == allowed || (allowed.EndsWith(':') && key.StartsWith(allowed, StringComparison.Ordinal))))
            // Enumeration values are names that bind ignoring case: a checkpoint's "constant" is today's "Constant".
            .Where(key => !string.Equals(before.GetValueOrDefault(key), now.GetValueOrDefault(key), StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(key => $"{key} {before.GetValueOrDefault(key) ?? "(unset)"} → {now.GetValueOrDefault(key) ?? "(unset)"}")
            .ToArray();
        if (differing.Length > 0)
        {
            throw new CheckpointException(checkpoint, $"was trained with other settings; resuming needs the same ({string.Join("; ", differing)}). Its settings are in the config.json beside it; to train differently, start a new run.");
        }
    }

    private static string Key(string section, string property) => $"{section}:{property}";

    private static string Section(string section) => $"{section}:";

    private static Dictionary<string, string?> Flatten(System.Text.Json.Nodes.JsonObject root)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        void Walk(System.Text.Json.Nodes.JsonNode? node, string path)
        {
            switch (node)
            {
                case System.Text.Json.Nodes.JsonObject obj:
                    foreach (var (key, child) in obj)
                    {
                        Walk(child, path.Length == 0 ? key : $"{path}:{key}");
                    }

                    break;
                case System.Text.Json.Nodes.JsonArray array:
                    values[path] = string.Join(", ", array.Select(item => item?.ToJsonString()));
                    break;
                default:
                    values[path] = node?.ToJsonString();
                    break;
            }
        }

        Walk(root, string.Empty);
        return values;
    }

    private static string Describe(IReadOnlyList<ImageClass> classes) =>
        classes.Count == 0 ? "no images" : string.Join(", ", classes.Take(6).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Count} of {c.Name}"))) + (classes.Count > 6 ? $" and {classes.Count - 6} more classes" : string.Empty);
}
