using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Siamese.Host.Runs;

namespace Siamese.Host.Configuration;

/// <summary>
/// The <c>Training</c> section's loop settings (Keras <c>fit_generator</c> semantics). The optimiser's settings in the
/// same section bind to <see cref="Siamese.Model.TrainerSettings"/>.
/// </summary>
internal sealed class TrainingOptions
{
    public const string SectionName = "Training";

    [Range(1, 1_000_000, ErrorMessage = "must be between {1} and {2}")]
    public int Epochs { get; set; } = 50;

    [Range(1, 100_000_000, ErrorMessage = "must be between {1} and {2}")]
    public int StepsPerEpoch { get; set; } = 100;

    [Range(0, 1_000_000, ErrorMessage = "must be between {1} and {2}")]
    public int ValidationSteps { get; set; } = 50;

    /// <summary>A checkpoint file (or a run folder holding <c>checkpoint.bin</c>) to continue from.</summary>
    public string? ResumeFrom { get; set; }
}

internal sealed class TrainingOptionsValidator : IValidateOptions<TrainingOptions>
{
    public ValidateOptionsResult Validate(string? name, TrainingOptions options) =>
        options.ResumeFrom is { Length: > 0 } resume && !File.Exists(Checkpoint.Resolve(resume))
            ? ValidateOptionsResult.Fail($"Training:ResumeFrom '{resume}' is neither a checkpoint file nor a run folder holding {RunFiles.Checkpoint}.")
            : ValidateOptionsResult.Success;
}
