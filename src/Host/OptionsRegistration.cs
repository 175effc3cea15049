using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Siamese.Host;

/// <summary>
/// Binds each product options class to its section, validated at start, and checks them all before the
/// host starts so a bad value ends the program with one line naming the key instead of a stack trace.
/// </summary>
internal static class OptionsRegistration
{
    private sealed record Registered(Type OptionsType);

    public static IServiceCollection AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        services.AddSingleton(new Registered(typeof(TOptions)));
        return services;
    }

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
                failures.AddRange(e.Failures.Select(Plain));
            }
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(string.Empty, typeof(object), failures);
        }
    }

    /// <summary>DataAnnotations wraps each message ("DataAnnotation validation failed for ... with the error: '...'."); keep the message, which names the key.</summary>
    private static string Plain(string failure)
    {
        const string marker = "with the error: '";
        int start = failure.IndexOf(marker, StringComparison.Ordinal);
        return start < 0 || !failure.EndsWith("'.", StringComparison.Ordinal)
            ? failure
            : failure[(start + marker.Length)..^2];
    }
}
