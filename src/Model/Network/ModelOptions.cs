using System.ComponentModel.DataAnnotations;

namespace Siamese.Model;

/// <summary>The network's shape: the <c>Model</c> configuration section.</summary>
public sealed class ModelOptions : IValidatableObject
{
    public const string SectionName = "Model";

    /// <summary><c>|a − b|</c> per embedding component (the tutorial's choice).</summary>
    public const string L1Distance = "L1";

    /// <summary><c>(a − b)²</c> per embedding component: squared Euclidean distance before its sum, so the final
    /// Dense(1) learns a weighted squared distance.</summary>
    public const string L2Distance = "L2";

    /// <summary>Keras's Dense defaults: Glorot-uniform weights, zero biases (what the tutorial's network starts from).</summary>
    public const string KerasInitialization = "Keras";

    /// <summary>PyTorch's <c>nn.Linear</c> defaults: Kaiming-uniform (a = √5) weights, uniform biases.</summary>
    public const string TorchInitialization = "Torch";

    private static readonly int[] TutorialHiddenSizes = [128, 128, 128];

    /// <summary>Pixels per image, flattened.</summary>
    [Range(1, 1 << 24, ErrorMessage = "must be between {1} and {2}")]
    public int InputSize { get; set; } = 784;

    /// <summary>
    /// Widths of the tower's Dense layers, in order; null means the tutorial's 128, 128, 128
    /// (see <see cref="GetHiddenSizes"/>).
    /// </summary>
    /// <remarks>
    /// Not initialised to the defaults because the configuration binder appends configured array items to an
    /// initialised array instead of replacing it.
    /// </remarks>
    [MinLength(1, ErrorMessage = "must list at least one layer width")]
    public int[]? HiddenSizes { get; set; }

    /// <summary>Dropout rate after every tower layer except the last.</summary>
    [Range(0.0, 0.95, ErrorMessage = "must be between {1} and {2}")]
    public double Dropout { get; set; } = 0.1;

    /// <summary>How the two embeddings are compared: <see cref="L1Distance"/> or <see cref="L2Distance"/>.</summary>
    [Required(ErrorMessage = "is required")]
    [AllowedValues(L1Distance, L2Distance, ErrorMessage = "must be L1 or L2")]
    public string Distance { get; set; } = L1Distance;

    /// <summary>How weights start: <see cref="KerasInitialization"/> or <see cref="TorchInitialization"/>.</summary>
    [Required(ErrorMessage = "is required")]
    [AllowedValues(KerasInitialization, TorchInitialization, ErrorMessage = "must be Keras or Torch")]
    public string Initialization { get; set; } = KerasInitialization;

    /// <summary>The configured hidden sizes, or the tutorial's when none are configured.</summary>
    public IReadOnlyList<int> GetHiddenSizes() => HiddenSizes ?? TutorialHiddenSizes;

    /// <summary>Sets <see cref="HiddenSizes"/> to the widths in use, so a written copy records them rather than null.</summary>
    public ModelOptions WithEffectiveHiddenSizes()
    {
        HiddenSizes ??= [.. TutorialHiddenSizes];
        return this;
    }

    /// <summary>The model's shape in one line, as logs, checkpoints and file checks name it: <c>784-128-128-128/L1</c>.</summary>
    public string Describe() => $"{InputSize}-{string.Join("-", GetHiddenSizes())}/{Distance}";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HiddenSizes is { } sizes && Array.Exists(sizes, size => size < 1))
        {
            yield return new ValidationResult(
                "must contain only positive sizes", [nameof(HiddenSizes)]);
        }
    }

    /// <summary>Throws <see cref="ValidationException"/> naming the first invalid setting.</summary>
    public void ThrowIfInvalid() => Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
}
