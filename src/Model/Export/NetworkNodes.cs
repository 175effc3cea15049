using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>
/// A <see cref="SiameseNetwork"/>'s computation as ONNX nodes, read from its modules (layer by layer, weights under
/// their weight keys), so the graph follows the network rather than a second description of it.
/// </summary>
internal static class NetworkNodes
{
    /// <summary>
    /// The tower on images [B, 1, S, S]: its layers in order, without dropout (inference) and without the conv tower's
    /// leading unflatten (the graph's images already have that shape). Returns the embeddings' name, [B, D].
    /// </summary>
    public static string Tower(OnnxGraph graph, SiameseNetwork network, string images)
    {
        string x = images;
        bool first = true;
        foreach ((string name, nn.Module module) in network.Tower.named_children())
        {
            string at = $"tower.{name}";
            x = module switch
            {
                Unflatten unflatten when first && unflatten.dim == 1 && unflatten.unflattened_size is [1, _, _] => x,
                Flatten flatten when flatten.start_dim == 1 && flatten.end_dim == -1 => graph.Node("Flatten", at, [x], OnnxGraph.Int("axis", 1)),
                Linear linear => Gemm(graph, at, x, linear),
                ReLU => graph.Node("Relu", at, [x]),
                Dropout => x,
                Conv2d conv => Conv(graph, at, x, conv),
                MaxPool2d pool => MaxPool(graph, at, x, pool),
                BatchNorm2d norm => BatchNormalization(graph, at, x, norm),
                _ => throw Unsupported(name, module),
            };
            first = false;
        }

        return x;
    }

    /// <summary>
    /// Each pair's similarity, [N], from the embeddings <paramref name="left"/> and <paramref name="right"/> ([N, D]),
    /// as <see cref="SiameseNetwork.Similarity"/> of the network's score; the final node's output is named
    /// <paramref name="output"/>.
    /// </summary>
    public static void Similarity(OnnxGraph graph, SiameseNetwork network, string left, string right, string output)
    {
        if (network.IsCosine)
        {
            // cos = a·b / max(‖a‖‖b‖, 1e-8), clamped to [0, 1].
            string product = graph.Node("Mul", "product", [left, right]);
            string dot = graph.Node("ReduceSum", "dot", [product, graph.Int64s("embedding_axis", 1)], OnnxGraph.Int("keepdims", 0));
            // Opset 17's ReduceL2 takes its axes as an attribute (ReduceSum already as an input).
            string leftNorm = graph.Node("ReduceL2", "left_norm", [left], OnnxGraph.Ints("axes", 1), OnnxGraph.Int("keepdims", 0));
            string rightNorm = graph.Node("ReduceL2", "right_norm", [right], OnnxGraph.Ints("axes", 1), OnnxGraph.Int("keepdims", 0));
            string norms = graph.Node("Mul", "norms", [leftNorm, rightNorm]);
            string floored = graph.Node("Max", "floored_norms", [norms, graph.Scalar("norm_floor", 1e-8f)]);
            string cosine = graph.Node("Div", "cosine", [dot, floored]);
            graph.Node("Clip", output, [cosine, graph.Scalar("zero", 0f), graph.Scalar("one", 1f)]);
            return;
        }

        string difference = graph.Node("Sub", "difference", [left, right]);
        if (network.IsContrastive)
        {
            // d = sqrt(max(Σ(a − b)², 1e-7)); similarity = 2^(−(d / (margin/2))²).
            string squares = graph.Node("Mul", "squared_difference", [difference, difference]);
            string sum = graph.Node("ReduceSum", "squared_distance", [squares, graph.Int64s("embedding_axis", 1)], OnnxGraph.Int("keepdims", 0));
            string clamped = graph.Node("Max", "clamped_squared_distance", [sum, graph.Scalar("distance_floor", 1e-7f)]);
            string distance = graph.Node("Sqrt", "distance", [clamped]);
            string ratio = graph.Node("Div", "distance_over_half_margin", [distance, graph.Scalar("half_margin", network.Margin / 2)]);
            string squared = graph.Node("Mul", "squared_ratio", [ratio, ratio]);
            string exponent = graph.Node("Neg", "exponent", [squared]);
            graph.Node("Pow", output, [graph.Scalar("two", 2f), exponent]);
            return;
        }

        // similarity = sigmoid(head(|a − b|)) or sigmoid(head((a − b)²)), the head's [N, 1] flattened to [N].
        string componentDistance = network.SquaredDistance
            ? graph.Node("Mul", "component_distance", [difference, difference])
            : graph.Node("Abs", "component_distance", [difference]);
        string logit = Gemm(graph, "head", componentDistance, network.Head!);
        string similarity = graph.Node("Sigmoid", "similarity_column", [logit]);
        graph.Node("Reshape", output, [similarity, graph.Int64s("flat", -1)]);
    }

    /// <summary>x·Wᵀ + b, as <see cref="Linear"/> computes it (its weight is [out, in]).</summary>
    private static string Gemm(OnnxGraph graph, string at, string x, Linear linear)
    {
        string[] inputs = linear.bias is { } bias
            ? [x, graph.Weights($"{at}.weight", linear.weight), graph.Weights($"{at}.bias", bias)]
            : [x, graph.Weights($"{at}.weight", linear.weight)];
        return graph.Node("Gemm", at, inputs, OnnxGraph.Int("transB", 1));
    }

    private static string Conv(OnnxGraph graph, string at, string x, Conv2d conv)
    {
        if (conv.padding is not { Length: 2 } padding || conv.padding_mode != PaddingModes.Zeros)
        {
            throw new NotSupportedException($"ONNX export supports zero-padded convolutions with explicit padding; {at} is not one.");
        }

        var attributes = new List<Onnx.AttributeProto>
        {
            OnnxGraph.Ints("kernel_shape", conv.kernel_size),
            OnnxGraph.Ints("strides", conv.stride),
            OnnxGraph.Ints("pads", padding[0], padding[1], padding[0], padding[1]),
            OnnxGraph.Ints("dilations", conv.dilation),
            OnnxGraph.Int("group", conv.groups),
        };
        string[] inputs = conv.bias is { } bias
            ? [x, graph.Weights($"{at}.weight", conv.weight), graph.Weights($"{at}.bias", bias)]
            : [x, graph.Weights($"{at}.weight", conv.weight)];
        return graph.Node("Conv", at, inputs, [.. attributes]);
    }

    private static string MaxPool(OnnxGraph graph, string at, string x, MaxPool2d pool)
    {
        // libtorch's defaults where the module leaves a setting out: stride = kernel, no padding, no dilation.
        long[] kernel = pool.kernel_size;
        long[] padding = pool.padding is { Length: 2 } p ? p : [0, 0];
        return graph.Node(
            "MaxPool",
            at,
            [x],
            OnnxGraph.Ints("kernel_shape", kernel),
            OnnxGraph.Ints("strides", pool.stride is { Length: 2 } stride ? stride : kernel),
            OnnxGraph.Ints("pads", padding[0], padding[1], padding[0], padding[1]),
            OnnxGraph.Ints("dilations", pool.dilation is { Length: 2 } dilation ? dilation : [1, 1]),
            OnnxGraph.Int("ceil_mode", pool.ceil_mode ? 1 : 0));
    }

    /// <summary>Batch normalisation in evaluation mode: (x − running mean) / √(running var + ε) · weight + bias.</summary>
    private static string BatchNormalization(OnnxGraph graph, string at, string x, BatchNorm2d norm) =>
        graph.Node(
            "BatchNormalization",
            at,
            [
                x,
                graph.Weights($"{at}.weight", norm.weight!),
                graph.Weights($"{at}.bias", norm.bias!),
                graph.Weights($"{at}.running_mean", norm.running_mean!),
                graph.Weights($"{at}.running_var", norm.running_var!),
            ],
            OnnxGraph.Float("epsilon", (float)norm.eps));

    private static NotSupportedException Unsupported(string name, nn.Module module) =>
        new($"ONNX export has no rule for the tower's layer {name} ({module.GetType().Name}).");
}
