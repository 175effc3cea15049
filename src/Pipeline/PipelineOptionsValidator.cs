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
        if (options.Augmentation is { } augmentation)
        {
            string prefix = $"{root}:{nameof(PipelineOptions.Augmentation)}";
            OptionsAnnotations.Validate(augmentation, prefix, failures);
            if (!AugmentationOptions.TryParseFillMode(augmentation.FillMode, out _))
            {
                failures.Add($"{prefix}:{nameof(AugmentationOptions.FillMode)} must be one of constant, nearest, reflect, wrap (got '{augmentation.FillMode}')");
            }

            if (!AugmentationOptions.TryParseSemantics(augmentation.Semantics, out _))
            {
                failures.Add($"{prefix}:{nameof(AugmentationOptions.Semantics)} must be one of {string.Join(", ", Enum.GetNames<AugmentSemantics>())} (got '{augmentation.Semantics}')");
            }
        }

        if (options.Validation is { } validation)
        {
            OptionsAnnotations.Validate(validation, $"{root}:{nameof(PipelineOptions.Validation)}", failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static void ThrowIfInvalid(PipelineOptions options)
    {
        var result = new PipelineOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(PipelineOptions), result.Failures);
        }
    }
}
