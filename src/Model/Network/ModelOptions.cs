using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json.Serialization;

namespace Siamese.Model;

/// <summary>The network's shape: the <c>Model</c> configuration section.</summary>
public sealed class ModelOptions : IValidatableObject
{
    public const string SectionName = "Model";

    /// <summary>Parameters beyond this are refused: with gradients and optimiser state they would need gigabytes.</summary>
    public const long MaxParameters = 20_000_000;

    private static readonly int[] TutorialHiddenSizes = [128, 128, 128];
    private static readonly int[] DefaultConvChannels = [32, 64];

    /// <summary>Pixels per image, flattened (a square image for the conv tower).</summary>
    [Range(1, 65_536, ErrorMessage = "must be between {1} and {2}")]
    public int InputSize { get; set; } = 784;

    /// <summary>The tutorial's MLP tower, or a convolutional one.</summary>
    [EnumDataType(typeof(TowerKind), ErrorMessage = "must be Mlp or Conv")]
    public TowerKind Tower { get; set; } = TowerKind.Mlp;

    /// <summary>
    /// Output channels of the conv tower's 3×3 convolutions, in order (each followed by ReLU and 2×2 max-pooling);
    /// null means 32, 64. Unused by the MLP tower.
    /// </summary>
    [MinLength(1, ErrorMessage = "must list at least one convolution")]
    [MaxLength(4, ErrorMessage = "must list at most 4 convolutions")]
    public int[]? ConvChannels { get; set; }

    /// <summary>
    /// Widths of the tower's Dense layers, in order; null means the tutorial's 128, 128, 128
    /// (see <see cref="GetHiddenSizes"/>).
    /// </summary>
    /// <remarks>
    /// Not initialised to the defaults because the configuration binder appends configured array items to an
    /// initialised array instead of replacing it.
    /// </remarks>
    [MinLength(1, ErrorMessage = "must list at least one layer width")]
    [MaxLength(16, ErrorMessage = "must list at most 16 layer widths")]
    public int[]? HiddenSizes { get; set; }

    /// <summary>Dropout rate after every Dense layer of the tower except the last.</summary>
    [Range(0.0, 0.95, ErrorMessage = "must be between {1} and {2}")]
    public double Dropout { get; set; } = 0.1;

    /// <summary>How the two embeddings are compared before the head (sigmoid similarity only).</summary>
    [EnumDataType(typeof(DistanceKind), ErrorMessage = "must be L1 or L2")]
    public DistanceKind Distance { get; set; } = DistanceKind.L1;

    /// <summary>How weights start.</summary>
    [EnumDataType(typeof(WeightInitialization), ErrorMessage = "must be Keras or Torch")]
    public WeightInitialization Initialization { get; set; } = WeightInitialization.Keras;

    /// <summary>
    /// How a pair's similarity is computed: it follows the training loss (the host records it from
    /// <c>Training:Loss</c>) and is recorded with the weights.
    /// </summary>
    [NotASetting]
    [EnumDataType(typeof(SimilarityKind), ErrorMessage = "must be Sigmoid or Contrastive")]
    public SimilarityKind Similarity { get; set; } = SimilarityKind.Sigmoid;

    /// <summary>The contrastive loss's margin (recorded from <c>Training:Margin</c>); unused by the sigmoid similarity.</summary>
    [NotASetting]
    [Range(0.0, 1e3, MinimumIsExclusive = true, ErrorMessage = "must be positive")]
    public double Margin { get; set; } = 1.0;

    /// <summary>
    /// The factor raw 0–255 pixels are multiplied by before the network sees them (the host records it from
    /// <c>Pipeline:Augmentation:Rescale</c>): part of the model's input contract, recorded with the weights.
    /// </summary>
    [NotASetting]
    [Range(1e-12, 1e6, ErrorMessage = "must be positive and at most 1000000")]
    public double Rescale { get; set; } = 1.0 / 255;

    /// <summary>How a picture file is prepared for this model (recorded from the <c>Data</c> section); null for a model trained on MNIST.</summary>
    [NotASetting]
    public PictureInput? Pictures { get; set; }

    /// <summary>The names of the classes the model was trained on, in label order (recorded from the data); null before a run has loaded its data.</summary>
    [NotASetting]
    public IReadOnlyList<string>? Classes { get; set; }

    [JsonIgnore]
    public bool IsConv => Tower == TowerKind.Conv;

    [JsonIgnore]
    public bool IsContrastive => Similarity == SimilarityKind.Contrastive;

    /// <summary>The configured hidden sizes, or the tutorial's when none are configured.</summary>
    public IReadOnlyList<int> GetHiddenSizes() => HiddenSizes ?? TutorialHiddenSizes;

    /// <summary>The conv tower's channels (empty for the MLP tower).</summary>
    public IReadOnlyList<int> GetConvChannels() => IsConv ? ConvChannels ?? DefaultConvChannels : [];

    /// <summary>Side of the square image the conv tower unflattens its input to.</summary>
    [JsonIgnore]
    public int ImageSide => (int)Math.Round(Math.Sqrt(InputSize));

    /// <summary>
    /// A copy recording what follows from how the model is trained, as it is saved with the weights: the similarity
    /// (from the loss), the contrastive margin, the pixel rescale, and the array settings as in use.
    /// </summary>
    public ModelOptions Recorded(SimilarityKind similarity, double margin, double rescale, PictureInput? pictures = null, int? inputSize = null)
    {
        var copy = (ModelOptions)MemberwiseClone();
        copy.Pictures = pictures;
        copy.InputSize = inputSize ?? InputSize;
        copy.Similarity = similarity;
        copy.Margin = margin;
        copy.Rescale = rescale;
        copy.HiddenSizes = [.. GetHiddenSizes()];
        copy.ConvChannels = copy.IsConv ? [.. copy.GetConvChannels()] : ConvChannels?.ToArray();
        return copy;
    }

    /// <summary>A copy that records the names of the classes it is trained on.</summary>
    public ModelOptions WithClasses(IEnumerable<string> names)
    {
        var copy = (ModelOptions)MemberwiseClone();
        copy.Classes = [.. names];
        return copy;
    }

    /// <summary>Sets the array settings to the values in use, so a written copy records them rather than null.</summary>
    public ModelOptions WithEffectiveHiddenSizes()
    {
        HiddenSizes ??= [.. TutorialHiddenSizes];
        if (IsConv)
        {
            ConvChannels ??= [.. DefaultConvChannels];
        }

        return this;
    }

    /// <summary>
    /// The model's shape in one line, as logs, checkpoints and file checks name it: <c>784-128-128-128/L1</c>, with
    /// <c>c32-c64-</c> before the Dense widths for the conv tower and <c>/contrastive(m=1)</c> for that similarity.
    /// </summary>
    public string Describe()
    {
        var layers = GetConvChannels().Select(c => $"c{c}").Concat(GetHiddenSizes().Select(h => h.ToString(CultureInfo.InvariantCulture)));
        var head = IsContrastive ? string.Create(CultureInfo.InvariantCulture, $"contrastive(m={Margin})") : Distance.ToString();
        return $"{InputSize}-{string.Join("-", layers)}/{head}";
    }

    /// <summary>Width of the tower's input to its first Dense layer (after the convolutions, for the conv tower).</summary>
    public long DenseInputWidth()
    {
        if (!IsConv)
        {
            return InputSize;
        }

        int side = ImageSide;
        int channels = 1;
        foreach (int c in GetConvChannels())
        {
            side = (side - 2) / 2;
            channels = c;
        }

        return (long)channels * side * side;
    }

    /// <summary>Values the tower's layers produce for one image in a forward pass (the input, each convolution and
    /// pooling, each Dense layer): what sizes a scoring chunk.</summary>
    public long ActivationsPerImage()
    {
        long count = InputSize;
        int side = ImageSide;
        foreach (int c in GetConvChannels())
        {
            side -= 2;
            count += (long)c * side * side;
            side /= 2;
            count += (long)c * side * side;
        }

        return count + GetHiddenSizes().Sum(h => (long)h);
    }

    /// <summary>Weights and biases in the network.</summary>
    public long ParameterCount()
    {
        long count = 0;
        long previous = 1;
        foreach (int c in GetConvChannels())
        {
            count += (previous * 9 * c) + c;
            previous = c;
        }

        long width = DenseInputWidth();
        foreach (int h in GetHiddenSizes())
        {
            count += (width * h) + h;
            width = h;
        }

        return count + (IsContrastive ? 0 : width + 1);
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HiddenSizes is { } sizes && Array.Exists(sizes, size => size is < 1 or > 8192))
        {
            yield return new ValidationResult("must contain only sizes between 1 and 8192", [nameof(HiddenSizes)]);
        }

        if (ConvChannels is { } channels && Array.Exists(channels, c => c is < 1 or > 512))
        {
            yield return new ValidationResult("must contain only channel counts between 1 and 512", [nameof(ConvChannels)]);
        }

        if (IsConv)
        {
            int side = ImageSide;
            if (side * side != InputSize)
            {
                yield return new ValidationResult($"must be a square image's pixel count for the Conv tower ({InputSize} is not)", [nameof(InputSize)]);
                yield break;
            }

            foreach (int _ in GetConvChannels())
            {
                side = (side - 2) / 2;
            }

            if (side < 1)
            {
                yield return new ValidationResult($"has more convolutions than a {ImageSide}×{ImageSide} image allows (each 3×3 convolution and 2×2 pooling roughly halves it)", [nameof(ConvChannels)]);
                yield break;
            }
        }

        if (ParameterCount() > MaxParameters)
        {
            yield return new ValidationResult(
                string.Create(CultureInfo.InvariantCulture, $"makes a network of {ParameterCount():N0} parameters, more than the {MaxParameters:N0} allowed (with gradients and optimiser state it would need gigabytes)"),
                [nameof(HiddenSizes)]);
        }
    }

    /// <summary>Throws <see cref="ValidationException"/> naming the first invalid setting.</summary>
    public void ThrowIfInvalid() => Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
}

/// <summary>A property recorded with the model but not read from configuration: a configured value is reported as an unknown key.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NotASettingAttribute : Attribute;
