using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>
/// A Siamese network: one tower embeds both images (shared weights) and the pair's embeddings give one score — with
/// the sigmoid similarity (the tutorial's), a Dense(1) on their component-wise distance (<see cref="ModelOptions.Distance"/>)
/// gives a logit and similarity is sigmoid(logit); with the contrastive similarity, the score is their Euclidean
/// distance d and similarity is 2^(−(2d/margin)²).
/// </summary>
/// <remarks>
/// <para>Weight keys (field and layer names; renaming one breaks saved weights): the MLP tower is flatten → (fc{i} →
/// relu{i} → dropout{i}) with no dropout after the last layer: <c>tower.fc1.weight</c> [h1, InputSize],
/// <c>tower.fc1.bias</c> [h1], …; the conv tower starts with unflatten → (conv{j} → convrelu{j} → pool{j}) → flatten, then the
/// same Dense layers: <c>tower.conv1.weight</c> [c1, 1, 3, 3], <c>tower.conv1.bias</c> [c1], …; the sigmoid similarity adds
/// <c>head.weight</c> [1, hk] and <c>head.bias</c> [1].</para>
/// </remarks>
public sealed class SiameseNetwork : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Sequential tower;
    private readonly Linear? head;
    private readonly bool squaredDistance;
    private readonly bool contrastive;
    private readonly float margin;
    private readonly DropoutRandom dropoutRandom;

    // The tower's layers for rows that are already flat (the trainer's path): the MLP skips its flatten. The same modules.
    private readonly nn.Module<Tensor, Tensor>[] layersForRows;

    public SiameseNetwork(ModelOptions options)
        : base(nameof(SiameseNetwork))
    {
        ArgumentNullException.ThrowIfNull(options);

        dropoutRandom = new DropoutRandom(0);
        var layers = TowerLayers(options, dropoutRandom);
        tower = nn.Sequential(layers);
        contrastive = options.IsContrastive;
        margin = (float)options.Margin;
        head = contrastive ? null : nn.Linear(options.GetHiddenSizes()[^1], 1);
        squaredDistance = options.Distance == DistanceKind.L2;
        RegisterComponents();

        // Assigned after registration: the same modules as the tower's, not components of their own.
        layersForRows = layers.Skip(options.IsConv ? 0 : 1).Select(layer => layer.Item2).ToArray();
        if (options.Initialization == WeightInitialization.Keras)
        {
            InitializeLikeKeras();
        }

        // Seeded from libtorch's generator after the weights are drawn: Training:Seed fixes the masks too.
        dropoutRandom.Reseed((ulong)randint(long.MaxValue, [1]).item<long>());
    }

    /// <summary>One score per pair, shape [N], for images of shape [N, InputSize] (or [N, 28, 28], or [N, 1, 28, 28]).</summary>
    public override Tensor forward(Tensor left, Tensor right)
    {
        using var scope = NewDisposeScope();
        return ForwardStacked(cat([left, right], 0)).MoveToOuterDisposeScope();
    }

    /// <summary>Similarities in [0, 1] (higher = same digit) from the scores <see cref="forward"/> gives.</summary>
    public Tensor Similarity(Tensor scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return contrastive ? exp2(scores.div(margin / 2).square().neg()) : scores.sigmoid();
    }

    /// <summary>Whether a score says "same digit": similarity above 0.5, decided on the score (logit &gt; 0, or d &lt; margin/2).</summary>
    internal bool IsSame(float score) => contrastive ? score < margin / 2 : score > 0;

    internal bool IsContrastive => contrastive;

    /// <summary>The dropout masks' generator, saved with a trainer's state.</summary>
    internal DropoutRandom DropoutRandom => dropoutRandom;

    internal float Margin => margin;

    internal Sequential Tower => tower;

    internal Linear? Head => head;

    internal bool SquaredDistance => squaredDistance;

    /// <summary>
    /// Like <see cref="forward"/> for the left images stacked above the right ones ([2N, …]), so the tower runs
    /// once over both. Intermediate tensors go to the caller's dispose scope, which must exist.
    /// </summary>
    internal Tensor ForwardStacked(Tensor stacked) => Compare(tower.forward(stacked.reshape(stacked.shape[0], -1))).view(-1);

    /// <summary>The scores of pairs whose embeddings are stacked [2N, D] (left above right): what <see cref="ForwardStacked"/> gives after the tower.</summary>
    internal Tensor ScoreEmbeddings(Tensor stacked) => Compare(stacked).view(-1);

    /// <summary>The tower over images [N, …] in the caller's dispose scope.</summary>
    internal Tensor EmbedRows(Tensor images) => tower.forward(images.reshape(images.shape[0], -1));

    /// <summary>
    /// The training pass over flat rows [2N, InputSize] (left images above right ones): one score per pair, shape
    /// [N, 1]. The same modules as <see cref="ForwardStacked"/>, without the MLP's flatten and the final reshape.
    /// Intermediate tensors go to the caller's dispose scope, which must exist.
    /// </summary>
    internal Tensor ForwardTraining(Tensor rows)
    {
        Tensor embedded = rows;
        foreach (nn.Module<Tensor, Tensor> layer in layersForRows)
        {
            embedded = layer.forward(embedded);
        }

        return Compare(embedded);
    }

    /// <summary>Each pair's score from its embeddings (left half against right half): [N, 1].</summary>
    private Tensor Compare(Tensor embedded)
    {
        long pairs = embedded.shape[0] / 2;
        Tensor difference = embedded.narrow(0, 0, pairs) - embedded.narrow(0, pairs, pairs);
        if (contrastive)
        {
            // sqrt(max(Σ(a − b)², ε)), as the Keras example's euclidean_distance: the gradient stays finite at d = 0.
            return difference.square().sum(1, keepdim: true).clamp_min(1e-7).sqrt();
        }

        Tensor distance = squaredDistance ? difference.square() : difference.abs();
        return head!.forward(distance);
    }

    private static List<(string, nn.Module<Tensor, Tensor>)> TowerLayers(ModelOptions options, DropoutRandom dropoutRandom)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        if (options.IsConv)
        {
            int side = options.ImageSide;
            layers.Add(("unflatten", nn.Unflatten(1, [1, side, side])));
            long channels = 1;
            int n = 0;
            foreach (int c in options.GetConvChannels())
            {
                n++;
                layers.Add(($"conv{n}", nn.Conv2d(channels, c, 3)));
                layers.Add(($"convrelu{n}", nn.ReLU(inplace: true)));
                layers.Add(($"pool{n}", nn.MaxPool2d(2)));
                channels = c;
            }
        }

        layers.Add(("flatten", nn.Flatten()));
        IReadOnlyList<int> hidden = options.GetHiddenSizes();
        long width = options.DenseInputWidth();
        for (int i = 0; i < hidden.Count; i++)
        {
            int n = i + 1;
            layers.Add(($"fc{n}", nn.Linear(width, hidden[i])));
            layers.Add(($"relu{n}", nn.ReLU(inplace: true)));
            if (n < hidden.Count && options.Dropout > 0)
            {
                layers.Add(($"dropout{n}", new Dropout(options.Dropout, dropoutRandom)));
            }

            width = hidden[i];
        }

        return layers;
    }

    /// <summary>Keras's defaults: <c>glorot_uniform</c> kernels (Dense and Conv2D), <c>zeros</c> biases.</summary>
    private void InitializeLikeKeras()
    {
        using var noGrad = no_grad();
        foreach (var module in tower.children().Append(head).OfType<nn.Module>())
        {
            var (weight, bias) = module switch
            {
                Linear linear => (linear.weight, linear.bias),
                Conv2d conv => (conv.weight, conv.bias),
                _ => (null, null),
            };
            if (weight is not null)
            {
                nn.init.xavier_uniform_(weight);
                nn.init.zeros_(bias!);
            }
        }
    }
}
