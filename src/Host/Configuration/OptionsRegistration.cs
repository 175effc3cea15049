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
        builder.PostConfigure(options => ConfigurationArrays.Replace(options, configuration, section));
        services.AddSingleton<IValidateOptions<TOptions>>(new EnumSettingsValidator<TOptions>(configuration, section));
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
    /// <param name="failures">Problems already found (unknown keys typed by the user), reported with the rest.</param>
    public static void ValidateAll(IServiceProvider services, IEnumerable<string>? failures = null)
    {
        var all = new List<string>(failures ?? []);
        foreach (var registered in services.GetServices<Registered>())
        {
            try
            {
                _ = ((IOptions<object>)services.GetRequiredService(typeof(IOptions<>).MakeGenericType(registered.OptionsType))).Value;
            }
            catch (OptionsValidationException e)
            {
                all.AddRange(e.Failures);
            }
            catch (InvalidOperationException e)
            {
                // The binder could not convert a value: an enumeration's unknown name is worded with its choices; for
                // anything else (text where a number belongs) the binder's message names the key.
                var enums = EnumSettings.Problems(services.GetRequiredService<IConfiguration>().GetSection(registered.Section), registered.OptionsType).ToList();
                all.AddRange(enums.Count > 0 ? enums : [e.Message]);
            }
        }

        if (all.Count > 0)
        {
            throw new OptionsValidationException(string.Empty, typeof(object), all);
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
    public static IReadOnlyList<UnknownKey> UnknownKeys(IServiceProvider services, IConfiguration configuration)
    {
        var unknown = new List<UnknownKey>();
        foreach (var section in services.GetServices<Registered>().GroupBy(r => r.Section, StringComparer.OrdinalIgnoreCase))
        {
            // A section may bind to more than one options type (Training: the loop's and the optimiser's settings).
            Walk(configuration.GetSection(section.Key), section.Select(r => r.OptionsType).ToArray(), unknown);
        }

        return unknown;
    }

    private static void Walk(IConfigurationSection section, Type[] types, List<UnknownKey> unknown)
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
                unknown.Add(new UnknownKey(child.Path, $"{child.Path} is not a setting", hint));
                continue;
            }

            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            bool nested = propertyType.IsClass && propertyType != typeof(string) && !propertyType.IsArray;
            if (nested && child.GetChildren().Any())
            {
                Walk(child, [propertyType], unknown);
            }
            else if (!nested && !propertyType.IsArray)
            {
                foreach (var extra in child.GetChildren())
                {
                    unknown.Add(new UnknownKey(extra.Path, $"{extra.Path} is not a setting", $": {child.Path} takes one value (--{child.Path}=<value>)"));
                }
            }
        }
    }

    /// <summary>A property configuration may set: writable, and not recorded-only (<see cref="Siamese.Model.NotASettingAttribute"/>).</summary>
    private static bool IsSetting(System.Reflection.PropertyInfo property) =>
        property.CanWrite && !Attribute.IsDefined(property, typeof(Siamese.Model.NotASettingAttribute));
}

/// <summary>A configured key no option reads: what is wrong and, when something is near, what was probably meant.</summary>
internal sealed record UnknownKey(string Path, string Problem, string Hint)
{
    /// <summary>As a refusal: "Training:Epoch is not a setting; did you mean Training:Epochs?".</summary>
    public string Refusal => Problem + Hint;

    /// <summary>As a warning: "Training:Epoch is not a setting and is ignored; did you mean Training:Epochs?".</summary>
    public string Warning => $"{Problem} and is ignored{Hint}";
}
