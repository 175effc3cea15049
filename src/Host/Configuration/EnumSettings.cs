using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Siamese.Host.Configuration;

/// <summary>
/// Enumeration settings as the user typed them. The configuration binder takes a name ignoring case, but it also
/// takes a number ("1" binds as the second value) and refuses an unknown name with a message that lists no choices.
/// Every configured enumeration value must be one of its type's names; a refusal names the key, the choices (the
/// property's <see cref="EnumDataTypeAttribute"/> message) and what was typed.
/// </summary>
internal static class EnumSettings
{
    /// <summary>One line per enumeration setting under <paramref name="section"/> that is not one of its names.</summary>
    public static IEnumerable<string> Problems(IConfigurationSection section, Type optionsType)
    {
        foreach (var property in optionsType.GetProperties().Where(p => p.CanWrite))
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var child = section.GetSection(property.Name);
            if (type.IsEnum)
            {
                if (child.Value is { } value && !Enum.GetNames(type).Contains(value, StringComparer.OrdinalIgnoreCase))
                {
                    var choices = property.GetCustomAttribute<EnumDataTypeAttribute>()?.ErrorMessage ?? $"must be one of {string.Join(", ", Enum.GetNames(type))}";
                    yield return $"{child.Path} {choices} (got '{value}')";
                }
            }
            else if (type.IsClass && type != typeof(string) && !type.IsArray)
            {
                foreach (var problem in Problems(child, type))
                {
                    yield return problem;
                }
            }
        }
    }
}

/// <summary>Refuses a section's enumeration settings given as numbers or unknown names (<see cref="EnumSettings"/>).</summary>
internal sealed class EnumSettingsValidator<TOptions>(IConfiguration configuration, string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var problems = EnumSettings.Problems(configuration.GetSection(section), typeof(TOptions)).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
