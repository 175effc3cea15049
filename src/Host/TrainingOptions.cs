using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Siamese.Host;

/// <summary>The <c>Training</c> section: Keras <c>fit_generator</c> semantics and the optimiser.</summary>
public sealed class TrainingOptions
{
    public const string SectionName = "Training";

    [Range(1, 1_000_000, ErrorMessage = "must be between {1} and {2}")]
    public int Epochs { get; set; } = 50;

    [Range(1, 100_000_000, ErrorMessage = "must be between {1} and {2}")]
    public int StepsPerEpoch { get; set; } = 100;

    [Range(0, 1_000_000, ErrorMessage = "must be between {1} and {2}")]
    public int ValidationSteps { get; set; } = 50;

    public double LearningRate { get; set; } = 1e-3;

    /// <summary>RMSprop's decay of the mean square (Keras <c>rho</c>).</summary>
    public double Rho { get; set; } = 0.9;

    /// <summary>RMSprop's epsilon, inside the square root as in Keras.</summary>
    public double Epsilon { get; set; } = 1e-7;

    /// <summary>Seeds libtorch (weight initialisation and dropout).</summary>
    public int Seed { get; set; } = 1;

    /// <summary>libtorch intra-op threads; one is fastest for small batches on two cores.</summary>
    [Range(1, 256, ErrorMessage = "must be between {1} and {2}")]
    public int TorchThreads { get; set; } = 1;

    /// <summary>A checkpoint file (or a run folder holding <c>checkpoint.bin</c>) to continue from.</summary>
    public string? ResumeFrom { get; set; }
}

public sealed class TrainingOptionsValidator : IValidateOptions<TrainingOptions>
{
    public ValidateOptionsResult Validate(string? name, TrainingOptions options)
    {
        var failures = new List<string>();
        if (!(options.LearningRate > 0) || double.IsInfinity(options.LearningRate))
        {
            failures.Add($"Training:LearningRate must be a positive number (got {options.LearningRate}).");
        }

        if (!(options.Rho >= 0 && options.Rho < 1))
        {
            failures.Add($"Training:Rho must be in [0, 1) (got {options.Rho}).");
        }

        if (!(options.Epsilon > 0))
        {
            failures.Add($"Training:Epsilon must be positive (got {options.Epsilon}).");
        }

        if (options.ResumeFrom is { Length: > 0 } resume && !File.Exists(Checkpoint.Resolve(resume)))
        {
            failures.Add($"Training:ResumeFrom '{resume}' is neither a checkpoint file nor a run folder holding {RunDirectory.CheckpointName}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
