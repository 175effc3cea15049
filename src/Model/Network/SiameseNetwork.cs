using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>
/// The tutorial's Siamese network: one tower embeds both images (shared weights), the embeddings are compared
/// component-wise (<see cref="ModelOptions.Distance"/>), and a Dense(1) turns that into a logit; similarity is
/// sigmoid(logit).
/// </summary>
/// <remarks>
/// Weight keys (field and layer names; renaming one breaks saved weights), for k hidden layers:
/// <c>tower.fc1.weight</c> [h1, InputSize], <c>tower.fc1.bias</c> [h1], …, <c>tower.fc{k}.weight</c> [hk, h(k−1)],
/// <c>tower.fc{k}.bias</c> [hk], <c>head.weight</c> [1, hk], <c>head.bias</c> [1].
/// The tower is flatten → (fc{i} → relu{i} → dropout{i}) with no dropout after the last layer.
/// </remarks>
public sealed class SiameseNetwork : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Sequential tower;
    private readonly Linear head;
    private readonly bool squaredDistance;

    // The tower's layers after its flatten, for rows that are already flat (the trainer's path): the same modules.
    private readonly nn.Module<Tensor, Tensor>[] layersAfterFlatten;

    public SiameseNetwork(ModelOptions options)
        : base(nameof(SiameseNetwork))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();

        IReadOnlyList<int> hidden = options.GetHiddenSizes();
        var layers = new List<(string, nn.Module<Tensor, Tensor>)> { ("flatten", nn.Flatten()) };
        long width = options.InputSize;
        for (int i = 0; i < hidden.Count; i++)
        {
            int n = i + 1;
            layers.Add(($"fc{n}", nn.Linear(width, hidden[i])));
            layers.Add(($"relu{n}", nn.ReLU(inplace: true)));
            if (n < hidden.Count && options.Dropout > 0)
            {
                layers.Add(($"dropout{n}", nn.Dropout(options.Dropout)));
            }

            width = hidden[i];
        }

        tower = nn.Sequential(layers);
        head = nn.Linear(width, 1);
        squaredDistance = options.Distance == ModelOptions.L2Distance;
        RegisterComponents();

        // Assigned after registration: the same modules as the tower's, not components of their own.
        layersAfterFlatten = layers.Skip(1).Select(layer => layer.Item2).ToArray();
        if (options.Initialization == ModelOptions.KerasInitialization)
        {
            InitializeLikeKeras();
        }
    }

    /// <summary>One logit per pair, shape [N], for images of shape [N, InputSize] (or [N, 28, 28]).</summary>
    public override Tensor forward(Tensor left, Tensor right)
    {
        using var scope = NewDisposeScope();
        return ForwardStacked(cat([left, right], 0)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Like <see cref="forward"/> for the left images stacked above the right ones ([2N, …]), so the tower runs
    /// once over both. Intermediate tensors go to the caller's dispose scope, which must exist.
    /// </summary>
    internal Tensor ForwardStacked(Tensor stacked) => Compare(tower.forward(stacked)).view(-1);

    /// <summary>
    /// The training pass over flat rows [2N, InputSize] (left images above right ones): one logit per pair, shape
    /// [N, 1]. The same modules as <see cref="ForwardStacked"/> without the flatten and the final reshape, two libtorch
    /// calls of the general path. Intermediate tensors go to the caller's dispose scope, which must exist.
    /// </summary>
    internal Tensor ForwardTraining(Tensor rows)
    {
        Tensor embedded = rows;
        foreach (nn.Module<Tensor, Tensor> layer in layersAfterFlatten)
        {
            embedded = layer.forward(embedded);
        }

        return Compare(embedded);
    }

    /// <summary>The distance of each pair's embeddings (left half against right half) through the head: [N, 1].</summary>
    private Tensor Compare(Tensor embedded)
    {
        long pairs = embedded.shape[0] / 2;
        Tensor difference = embedded.narrow(0, 0, pairs) - embedded.narrow(0, pairs, pairs);
        Tensor distance = squaredDistance ? difference.square() : difference.abs();
        return head.forward(distance);
    }

    /// <summary>Keras Dense defaults: <c>glorot_uniform</c> kernels, <c>zeros</c> biases.</summary>
    private void InitializeLikeKeras()
    {
        using var noGrad = no_grad();
        foreach (var layer in tower.children().OfType<Linear>().Append(head))
        {
            nn.init.xavier_uniform_(layer.weight!);
            nn.init.zeros_(layer.bias!);
        }
    }
}
