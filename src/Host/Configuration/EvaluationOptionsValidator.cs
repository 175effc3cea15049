using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Siamese.Host.Configuration;

internal sealed class EvaluationOptionsValidator : IValidateOptions<EvaluationOptions>
{
    public ValidateOptionsResult Validate(string? name, EvaluationOptions options)
    {
        if (options.Threshold is not (> 0 and < 1))
        {
            return ValidateOptionsResult.Fail($"Evaluation:Threshold must be between 0 and 1, exclusive (got {options.Threshold}).");
        }

        if (!string.IsNullOrWhiteSpace(options.OneShotRuns) && !Path.Exists(options.OneShotRuns))
        {
            return ValidateOptionsResult.Fail($"Evaluation:OneShotRuns names {Path.GetFullPath(options.OneShotRuns)}, which does not exist (a folder or .zip of one-shot runs; empty for none).");
        }

        return ValidateOptionsResult.Success;
    }
}
