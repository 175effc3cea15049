using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Siamese.Pipeline;

/// <summary>
/// Checks an options object's DataAnnotations (and <see cref="IValidatableObject"/>) and words each failure with
/// its full configuration key and the offending value: <c>Pipeline:BatchSize must be at least 2 (got '1')</c>.
/// Attribute messages are therefore phrases such as "must be at least 2".
/// </summary>
public static class OptionsAnnotations
{
    public static void Validate(object section, string prefix, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(failures);
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(section, new ValidationContext(section), results, validateAllProperties: true);
        foreach (var result in results)
        {
            foreach (var member in result.MemberNames)
            {
                object? value = section.GetType().GetProperty(member)?.GetValue(section);
                string shown = value is System.Collections.IEnumerable list and not string
                    ? string.Join(", ", list.Cast<object?>().Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)))
                    : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
                failures.Add($"{prefix}:{member} {result.ErrorMessage} (got '{shown}')");
            }
        }
    }
}

/// <summary>Validates one options section with <see cref="OptionsAnnotations"/>; messages name the section's keys.</summary>
public sealed class AnnotatedOptionsValidator<TOptions>(string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = new List<string>();
        OptionsAnnotations.Validate(options, section, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
