using Microsoft.Extensions.Options;

namespace Siamese.Host.Configuration;

internal sealed class OutputOptionsValidator : IValidateOptions<OutputOptions>
{
    public ValidateOptionsResult Validate(string? name, OutputOptions options) =>
        options.Directory is { } d && d.IndexOfAny(Path.GetInvalidPathChars()) >= 0
            ? ValidateOptionsResult.Fail($"Output:Directory '{d}' is not a valid path.")
            : ValidateOptionsResult.Success;
}
