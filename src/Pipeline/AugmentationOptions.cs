using System.ComponentModel.DataAnnotations;

namespace Siamese.Pipeline;

/// <summary>
/// The <c>Pipeline:Augmentation</c> section, named and defaulted as Keras's <c>ImageDataGenerator</c> arguments
/// in the tutorial. Ranges are symmetric: a value is drawn uniformly in ±range.
/// </summary>
public sealed class AugmentationOptions
{
    /// <summary>Degrees.</summary>
    [Range(0.0, 180.0, ErrorMessage = "must be between 0 and 180")]
    public double RotationRange { get; set; } = 5;

    /// <summary>A fraction of the width when below 1, otherwise pixels.</summary>
    [Range(0.0, 1e6, ErrorMessage = "must be between 0 and 1000000")]
    public double WidthShiftRange { get; set; } = 0.1;

    /// <summary>A fraction of the height when below 1, otherwise pixels.</summary>
    [Range(0.0, 1e6, ErrorMessage = "must be between 0 and 1000000")]
    public double HeightShiftRange { get; set; } = 0.05;

    /// <summary>Row and column zoom factors are drawn independently in [1 − z, 1 + z]; above 1 the content shrinks.</summary>
    [Range(0.0, 0.999, ErrorMessage = "must be between 0 and 0.999")]
    public double ZoomRange { get; set; } = 0.1;

    /// <summary>Degrees.</summary>
    [Range(0.0, 89.0, ErrorMessage = "must be between 0 and 89")]
    public double ShearRange { get; set; }

    public bool HorizontalFlip { get; set; }

    public bool VerticalFlip { get; set; }

    /// <summary>One of <c>constant</c>, <c>nearest</c>, <c>reflect</c>, <c>wrap</c>.</summary>
    public string FillMode { get; set; } = "constant";

    /// <summary>
    /// One of <c>AsNamed</c> (default), <c>TfKeras</c>, <c>KerasPreprocessing112</c>: see <see cref="AugmentSemantics"/>.
    /// </summary>
    public string Semantics { get; set; } = nameof(AugmentSemantics.AsNamed);

    /// <summary>Raw pixel value (0–255 scale) for <c>constant</c> fill; it is rescaled with the image, as in Keras.</summary>
    [Range(-1e6, 1e6, ErrorMessage = "must be between -1000000 and 1000000")]
    public double FillValue { get; set; }

    /// <summary>Factor applied to every output pixel.</summary>
    [Range(1e-12, 1e6, ErrorMessage = "must be positive and at most 1000000")]
    public double Rescale { get; set; } = 1.0 / 255;

    /// <summary>Options that only rescale: every range 0, no flips, so an augmenter draws nothing and transforms nothing.</summary>
    public static AugmentationOptions NoTransform(double rescale) => new()
    {
        RotationRange = 0,
        WidthShiftRange = 0,
        HeightShiftRange = 0,
        ZoomRange = 0,
        ShearRange = 0,
        Rescale = rescale,
    };

    public static bool TryParseFillMode(string? value, out FillMode mode)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "constant":
                mode = Pipeline.FillMode.Constant;
                return true;
            case "nearest":
                mode = Pipeline.FillMode.Nearest;
                return true;
            case "reflect":
                mode = Pipeline.FillMode.Reflect;
                return true;
            case "wrap":
                mode = Pipeline.FillMode.Wrap;
                return true;
            default:
                mode = default;
                return false;
        }
    }

    /// <summary>Parses <see cref="Semantics"/>: one of the <see cref="AugmentSemantics"/> names, ignoring case.</summary>
    public static bool TryParseSemantics(string? value, out AugmentSemantics semantics)
    {
        foreach (var candidate in Enum.GetValues<AugmentSemantics>())
        {
            if (string.Equals(value?.Trim(), candidate.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                semantics = candidate;
                return true;
            }
        }

        semantics = default;
        return false;
    }
}
