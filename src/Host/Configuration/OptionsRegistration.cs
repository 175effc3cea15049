using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Siamese.Pipeline;

namespace Siamese.Host.Configuration;

/// <summary>
/// Binds each product options class to its section, validated at start, and checks them all before the
/// host starts so a bad value ends the program with one line naming the key instead of a stack trace.
/// </summary>
internal static class OptionsRegistration
{
    private sealed record Registered(Type OptionsType, string Section);


    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/>, validated at start by its DataAnnotations
    /// (messages naming the key, see <see cref="OptionsAnnotations"/>) unless <paramref name="dataAnnotations"/> is
    /// false because the section's own validator checks them.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, IConfiguration configuration, string section, bool dataAnnotations = true)
        where TOptions : class
    {
        var builder = services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
        if (dataAnnotations)
        {
            services.AddSingleton<IValidateOptions<TOptions>>(new AnnotatedOptionsValidator<TOptions>(section));
        }

        services.AddSingleton(new Registered(typeof(TOptions), section));
        return builder;
    }

    public static IServiceCollection AddValidator<TOptions, TValidator>(this IServiceCollection services)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions> =>
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();

    /// <summary>Resolves every registered options value; throws <see cref="OptionsValidationException"/> with all failures.</summary>
    public static void ValidateAll(IServiceProvider services)
    {
        var failures = new List<string>();
        foreach (var registered in services.GetServices<Registered>())
        {
            try
            {
                _ = ((IOptions<object>)services.GetRequiredService(typeof(IOptions<>).MakeGenericType(registered.OptionsType))).Value;
            }
            catch (OptionsValidationException e)
            {
                failures.AddRange(e.Failures);
            }
            catch (InvalidOperationException e)
            {
                // The binder could not convert a value (e.g. text where a number belongs); its message names the key.
                failures.Add(e.Message);
            }
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(string.Empty, typeof(object), failures);
        }
    }

    /// <summary>Every key the options registered in <paramref name="services"/> read, e.g. <c>Training:Epochs</c>, <c>Pipeline:Augmentation:ZoomRange</c>.</summary>
    public static IReadOnlyList<string> KnownKeys(IServiceCollection services) =>
        services.Where(d => d.ServiceType == typeof(Registered)).Select(d => (Registered)d.ImplementationInstance!)
            .SelectMany(r => Keys(r.Section, r.OptionsType)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    private static IEnumerable<string> Keys(string prefix, Type type)
    {
        foreach (var property in type.GetProperties().Where(IsSetting))
        {
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var key = $"{prefix}:{property.Name}";
            if (propertyType.IsClass && propertyType != typeof(string) && !propertyType.IsArray)
            {
                foreach (var nested in Keys(key, propertyType))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return key;
            }
        }
    }

    /// <summary>
    /// Keys under a product section that no option reads (a typo such as <c>Training:Epoch</c> would otherwise be
    /// ignored silently), each with the closest known key when one is near.
    /// </summary>
    public static IReadOnlyList<string> UnknownKeys(IServiceProvider services, IConfiguration configuration)
    {
        var unknown = new List<string>();
        foreach (var section in services.GetServices<Registered>().GroupBy(r => r.Section, StringComparer.OrdinalIgnoreCase))
        {
            // A section may bind to more than one options type (Training: the loop's and the optimiser's settings).
            Walk(configuration.GetSection(section.Key), section.Select(r => r.OptionsType).ToArray(), unknown);
        }

        return unknown;
    }

    private static void Walk(IConfigurationSection section, Type[] types, List<string> unknown)
    {
        var properties = types.SelectMany(t => t.GetProperties()).Where(IsSetting)
            .GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (!properties.TryGetValue(child.Key, out var property))
            {
                var suggestion = Suggestions.Closest(child.Key, properties.Keys);
                var hint = suggestion is null ? string.Empty : $"; did you mean {section.Path}:{suggestion}?";
                unknown.Add($"{child.Path} is not a setting and is ignored{hint}");
                continue;
            }

            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (propertyType.IsClass && propertyType != typeof(string) && !propertyType.IsArray && child.GetChildren().Any())
            {
                Walk(child, [propertyType], unknown);
            }
        }
    }

    /// <summary>A property configuration may set: writable, and not recorded-only (<see cref="Siamese.Model.NotASettingAttribute"/>).</summary>
    private static bool IsSetting(System.Reflection.PropertyInfo property) =>
        property.CanWrite && !Attribute.IsDefined(property, typeof(Siamese.Model.NotASettingAttribute));
}
