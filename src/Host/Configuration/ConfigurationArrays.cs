using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace Siamese.Host.Configuration;

/// <summary>
/// Array settings come whole from one place. .NET's configuration merges arrays item by item across its sources, so
/// <c>--Model:HiddenSizes:0=64</c> over a configured 128, 128, 128 would give 64, 128, 128, and a plain
/// <c>--Model:HiddenSizes=64</c> would be ignored; here the highest-priority source that sets an array (as items, or as
/// one comma-separated value) replaces it entirely.
/// </summary>
internal static class ConfigurationArrays
{
    /// <summary>Sets every array property of <paramref name="options"/> (and of its nested sections) from the one source that wins.</summary>
    /// <exception cref="InvalidOperationException">An item cannot be converted; the message names the key.</exception>
    public static void Replace(object? options, IConfiguration configuration, string path)
    {
        if (options is null || configuration is not IConfigurationRoot root)
        {
            return;
        }

        foreach (var property in options.GetType().GetProperties().Where(p => p.CanWrite && p.CanRead && p.GetIndexParameters().Length == 0))
        {
            var key = $"{path}:{property.Name}";
            var type = property.PropertyType;
            if (type.IsArray)
            {
                if (Values(root, key) is { } values)
                {
                    property.SetValue(options, ToArray(values, type.GetElementType()!, key));
                }
            }
            else if (type.IsClass && type != typeof(string))
            {
                Replace(property.GetValue(options), configuration, key);
            }
        }
    }

    /// <summary>Whether the user typed <paramref name="key"/> (or a key under it) on the command line or set it in the environment.</summary>
    public static bool IsTyped(IConfiguration configuration, string key) =>
        configuration is IConfigurationRoot root
        && root.Providers.Any(p => p is CommandLineConfigurationProvider or EnvironmentVariablesConfigurationProvider
            && (p.TryGet(key, out _) || p.GetChildKeys([], key).Any()));

    /// <summary>The items the highest-priority source gives <paramref name="key"/>, or null when no source sets it.</summary>
    private static List<string>? Values(IConfigurationRoot root, string key)
    {
        foreach (var provider in root.Providers.Reverse())
        {
            var indices = provider.GetChildKeys([], key).Distinct().ToList();
            if (indices.Count > 0)
            {
                return [.. indices
                    .Select(i => (Ok: int.TryParse(i, NumberStyles.None, CultureInfo.InvariantCulture, out int n), Index: n, Key: i))
                    .Where(i => i.Ok)
                    .OrderBy(i => i.Index)
                    .Select(i => provider.TryGet($"{key}:{i.Key}", out var value) ? value ?? string.Empty : string.Empty)];
            }

            if (provider.TryGet(key, out var scalar) && scalar is not null)
            {
                return [.. scalar.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
            }
        }

        return null;
    }

    private static Array ToArray(List<string> values, Type elementType, string key)
    {
        var converter = TypeDescriptor.GetConverter(elementType);
        var array = Array.CreateInstance(elementType, values.Count);
        for (int i = 0; i < values.Count; i++)
        {
            try
            {
                array.SetValue(converter.ConvertFromInvariantString(values[i]), i);
            }
            catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException)
            {
                throw new InvalidOperationException($"{key}:{i} has '{values[i]}' where {elementType.Name} belongs ({e.GetBaseException().Message}).", e);
            }
        }

        return array;
    }
}
