using Microsoft.Extensions.Options;

namespace Siamese.Pipeline;

/// <summary>
/// Validates <see cref="PipelineOptions"/> and its sub-sections. Single values are checked by their DataAnnotations,
/// the rest here; every failure names its full configuration key and the offending value, e.g.
/// <c>Pipeline:BatchSize must be at least 2 (got '1')</c>.
/// </summary>
public sealed class PipelineOptionsValidator : IValidateOptions<PipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string root = PipelineOptions.SectionName;

        OptionsAnnotations.Validate(options, root, failures);
        AtMost(failures, $"{root}:{nameof(PipelineOptions.BatchSize)}", options.BatchSize, PipelineOptions.MaxBatchSize);
        AtMost(failures, $"{root}:{nameof(PipelineOptions.ProducerCapacity)}", options.ProducerCapacity, PipelineOptions.MaxProducerCapacity);
        AtMost(failures, $"{root}:{nameof(PipelineOptions.BatchCapacity)}", options.BatchCapacity, PipelineOptions.MaxBatchCapacity);
        long pooled = ((long)options.BatchCapacity + options.ProducerCapacity + 1) * options.BatchSize;
        if (pooled > PipelineOptions.MaxPooledPairs)
        {
            failures.Add($"{root}:BatchCapacity, {root}:ProducerCapacity and {root}:BatchSize together hold ({options.BatchCapacity} + {options.ProducerCapacity} + 1) × {options.BatchSize} = {pooled} pairs in memory, more than {PipelineOptions.MaxPooledPairs}; lower one of them");
        }

        if (options.Augmentation is { } augmentation)
        {
            string prefix = $"{root}:{nameof(PipelineOptions.Augmentation)}";
            OptionsAnnotations.Validate(augmentation, prefix, failures);
        }

        if (options.Validation is { } validation)
        {
            OptionsAnnotations.Validate(validation, $"{root}:{nameof(PipelineOptions.Validation)}", failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The upper bounds, each chosen from what the setting costs in memory (see <see cref="PipelineOptions"/>).</summary>
    private static void AtMost(List<string> failures, string key, int value, int limit)
    {
        if (value > limit)
        {
            failures.Add($"{key} must be at most {limit} (got '{value}')");
        }
    }
}
