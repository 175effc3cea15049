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

    /// <summary>How samples outside the image are filled (Keras's <c>fill_mode</c>; names ignore case, so <c>constant</c> works).</summary>
    [EnumDataType(typeof(FillMode), ErrorMessage = "must be one of Constant, Nearest, Reflect, Wrap")]
    public FillMode FillMode { get; set; } = FillMode.Constant;

    /// <summary>Which Keras the geometry follows: see <see cref="AugmentSemantics"/>.</summary>
    [EnumDataType(typeof(AugmentSemantics), ErrorMessage = "must be one of AsNamed, TfKeras, KerasPreprocessing112")]
    public AugmentSemantics Semantics { get; set; } = AugmentSemantics.AsNamed;

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
}
