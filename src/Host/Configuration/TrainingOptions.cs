using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Siamese.Model;
using Siamese.Pipeline;
using Siamese.Host.Runs;
using Siamese.Host.Training;

namespace Siamese.Host.Configuration;

/// <summary>
/// The <c>Training</c> section's loop settings (Keras <c>fit_generator</c> semantics). The optimiser's settings in the
/// same section bind to <see cref="Siamese.Model.TrainerSettings"/>.
/// </summary>
internal sealed class TrainingOptions
{
    public const string SectionName = "Training";

    /// <summary>At most 10,000: every checkpoint carries the history of every epoch (about 330 bytes each) in its header.</summary>
    [Range(1, 10_000, ErrorMessage = "must be between {1} and {2}")]
    public int Epochs { get; set; } = 50;

    [Range(1, 100_000_000, ErrorMessage = "must be between {1} and {2}")]
    public int StepsPerEpoch { get; set; } = 100;

    [Range(0, 1_000_000, ErrorMessage = "must be between {1} and {2}")]
    public int ValidationSteps { get; set; } = 50;

    /// <summary>A checkpoint file (or a run folder holding <c>checkpoint.bin</c>) to continue from.</summary>
    public string? ResumeFrom { get; set; }

    /// <summary><see cref="BinaryCrossEntropy"/> (the tutorial's, on the sigmoid of a learned head) or <see cref="Contrastive"/> (on the Euclidean distance).</summary>
    [Required(ErrorMessage = "is required")]
    [AllowedValues(BinaryCrossEntropy, Contrastive, ErrorMessage = "must be BinaryCrossEntropy or Contrastive")]
    public string Loss { get; set; } = BinaryCrossEntropy;

    /// <summary>The contrastive loss's margin: different pairs are pushed at least this far apart.</summary>
    [Range(0.0, 1e3, MinimumIsExclusive = true, ErrorMessage = "must be positive and at most {2}")]
    public double Margin { get; set; } = 1.0;

    /// <summary>How the learning rate moves over the run: <see cref="LearningRateSchedule.Constant"/>, <see cref="LearningRateSchedule.Cosine"/> or <see cref="LearningRateSchedule.OneCycle"/>.</summary>
    [Required(ErrorMessage = "is required")]
    [AllowedValues(LearningRateSchedule.Constant, LearningRateSchedule.Cosine, LearningRateSchedule.OneCycle, ErrorMessage = "must be Constant, Cosine or OneCycle")]
    public string Schedule { get; set; } = LearningRateSchedule.Constant;

    /// <summary>OneCycle: the share of the run spent warming up to <c>Training:LearningRate</c>.</summary>
    [Range(0.0, 1.0, MinimumIsExclusive = true, MaximumIsExclusive = true, ErrorMessage = "must be between 0 and 1, exclusive")]
    public double WarmupFraction { get; set; } = 0.3;

    public const string BinaryCrossEntropy = "BinaryCrossEntropy";

    public const string Contrastive = "Contrastive";
}

internal sealed class TrainingOptionsValidator(IOptions<PipelineOptions> pipeline) : IValidateOptions<TrainingOptions>
{
    /// <summary>Most validation pairs, all held in memory as floats (2 × 784 each): about 300 MiB.</summary>
    public const int MaxValidationPairs = 50_000;

    public ValidateOptionsResult Validate(string? name, TrainingOptions options)
    {
        var failures = new List<string>();
        if (options.ResumeFrom is { Length: > 0 } resume)
        {
            var checkpoint = Checkpoint.Resolve(resume);
            if (!File.Exists(checkpoint))
            {
                failures.Add($"Training:ResumeFrom '{resume}' is neither a checkpoint file nor a run folder holding {RunFiles.Checkpoint}.");
            }
            else if (Siamese.Pipeline.Data.RegularFile.Problem(checkpoint) is { } problem)
            {
                failures.Add($"Training:ResumeFrom '{resume}': {checkpoint} {problem}.");
            }
        }

        long pairs = (long)options.ValidationSteps * pipeline.Value.BatchSize;
        if (pairs > MaxValidationPairs)
        {
            failures.Add($"Training:ValidationSteps × Pipeline:BatchSize = {options.ValidationSteps} × {pipeline.Value.BatchSize} = {pairs} validation pairs, more than the {MaxValidationPairs} held in memory; lower Training:ValidationSteps");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal static class ModelOptionsTraining
{
    /// <summary>The recorded-only model settings (the similarity that follows the training loss, the pixel rescale), and the array settings as in use.</summary>
    public static ModelOptions FollowTraining(this ModelOptions model, TrainingOptions training, PipelineOptions? pipeline = null)
    {
        model.Rescale = pipeline?.Augmentation.Rescale ?? model.Rescale;
        model.Similarity = training.Loss == TrainingOptions.Contrastive ? ModelOptions.ContrastiveSimilarity : ModelOptions.SigmoidSimilarity;
        model.Margin = training.Margin;
        return model.WithEffectiveHiddenSizes();
    }
}
