using System.Text.Json.Nodes;
using Siamese.Host.Configuration;
using Siamese.Host.Runs;
using Siamese.Pipeline;

namespace Siamese.Host.Tests.Training;

/// <summary>
/// A resumed run trains with the settings its checkpoint recorded: only where data and outputs go, how long it runs,
/// how it is watched and evaluated and the pipeline's plumbing may change.
/// </summary>
public sealed class RunPreconditionsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("resume-rules-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A checkpoint recording the default settings' snapshot.</summary>
    private string Checkpointed(RunSettings settings)
    {
        var path = Path.Combine(_folder, RunFiles.Checkpoint);
        using var trainer = new SiameseTrainer(settings.Model, settings.Trainer, maxBatch: 2);
        Checkpoint.Save(path, new TrainingProgress(), settings.Model, settings.Snapshot(), trainer);
        return path;
    }

    /// <summary>The settings with <paramref name="key"/> changed to another valid value.</summary>
    private static RunSettings Changed(RunSettings s, string key) => key switch
    {
        "Training:LearningRate" => s with { Trainer = s.Trainer with { LearningRate = 0.01 } },
        "Training:Optimizer" => s with { Trainer = s.Trainer with { Optimizer = OptimizerKind.Adam } },
        "Training:Seed" => s with { Trainer = s.Trainer with { Seed = 7 } },
        "Training:Schedule" => s with { Training = new TrainingOptions { Schedule = ScheduleKind.Cosine } },
        "Training:Loss" => s with { Training = new TrainingOptions { Loss = LossKind.Contrastive } },
        "Training:StepsPerEpoch" => s with { Training = new TrainingOptions { StepsPerEpoch = 10 } },
        "Pipeline:BatchSize" => s with { Pipeline = new PipelineOptions { BatchSize = 32 } },
        "Model:HiddenSizes" => s with { Model = new ModelOptions { HiddenSizes = [64] }.Recorded(SimilarityKind.Sigmoid, 1, 1.0 / 255) },
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    [Theory]
    [InlineData("Training:LearningRate")]
    [InlineData("Training:Optimizer")]
    [InlineData("Training:Seed")]
    [InlineData("Training:Schedule")]
    [InlineData("Training:Loss")]
    [InlineData("Training:StepsPerEpoch")]
    [InlineData("Pipeline:BatchSize")]
    [InlineData("Model:HiddenSizes")]
    public void CheckResume_ASettingThatChangesTraining_IsRefusedNamingItWithBothValues(string key)
    {
        var saved = new RunSettings();
        var checkpoint = Checkpointed(saved);

        var e = Assert.Throws<CheckpointException>(() => RunPreconditions.CheckResume(checkpoint, Changed(saved, key).Snapshot()));

        Assert.Contains(key, e.Message);
        Assert.Contains("→", e.Message);
    }

    [Fact]
    public void CheckResume_OnlyLengthThreadsOutputsAndPlumbingChanged_IsAccepted()
    {
        var saved = new RunSettings();
        var checkpoint = Checkpointed(saved);
        var now = saved with
        {
            Training = new TrainingOptions { Epochs = 80, ResumeFrom = _folder },
            Trainer = saved.Trainer with { TorchThreads = 2 },
            Output = new OutputOptions { Directory = "elsewhere", TensorBoard = false },
            Evaluation = new EvaluationOptions { EveryEpoch = true },
            Telemetry = new TelemetryOptions { LogInterval = 0 },
            Pipeline = new PipelineOptions { Workers = 3, BatchCapacity = 2 },
        };

        RunPreconditions.CheckResume(checkpoint, now.Snapshot());
    }

    [Fact]
    public void CheckResume_EnumerationRecordedInAnotherCase_IsTheSameSetting()
    {
        var saved = new RunSettings();
        var checkpoint = Checkpointed(saved);
        var now = saved.Snapshot();
        now["Pipeline"]!["Augmentation"]!["FillMode"] = JsonValue.Create("constant");

        RunPreconditions.CheckResume(checkpoint, now);
    }
}
