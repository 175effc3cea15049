using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Siamese.Host.Configuration;

internal sealed class EvaluationOptionsValidator : IValidateOptions<EvaluationOptions>
{
    public ValidateOptionsResult Validate(string? name, EvaluationOptions options) =>
        options.Threshold is > 0 and < 1
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Evaluation:Threshold must be between 0 and 1, exclusive (got {options.Threshold}).");
}
