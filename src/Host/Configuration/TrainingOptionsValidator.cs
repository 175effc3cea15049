using Microsoft.Extensions.Options;
using Siamese.Host.Runs;
using Siamese.Pipeline;

namespace Siamese.Host.Configuration;

/// <summary>The <c>Training</c> section's rules across fields and sections: a resumable checkpoint, validation pairs that fit in memory.</summary>
internal sealed class TrainingOptionsValidator(IOptions<PipelineOptions> pipeline) : IValidateOptions<TrainingOptions>
{
    /// <summary>Most validation pairs, all held in memory as floats (2 × 784 each): about 300 MiB.</summary>
    public const int MaxValidationPairs = 50_000;

    public ValidateOptionsResult Validate(string? name, TrainingOptions options)
    {
        var failures = new List<string>();
        if (options.ResumeCheckpoint() is { } checkpoint)
        {
            var resume = options.ResumeFrom;
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
