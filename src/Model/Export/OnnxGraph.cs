using Onnx;
using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>
/// One ONNX graph under construction, with OnnxSharp's protobuf types: float32 inputs and outputs whose first
/// dimension is the symbolic batch <see cref="Batch"/>, nodes in the order they run, and float initializers.
/// </summary>
internal sealed class OnnxGraph
{
    /// <summary>The symbolic batch dimension's name.</summary>
    public const string Batch = "N";

    /// <summary>In a shape given to <see cref="Input"/> or <see cref="Output"/>: the symbolic batch dimension.</summary>
    public const long BatchDimension = -1;

    private static readonly int FloatType = (int)TensorProto.Types.DataType.Float;

    public OnnxGraph(string name, string documentation)
    {
        Proto = new GraphProto { Name = name, DocString = documentation };
    }

    public GraphProto Proto { get; }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>Declares a float32 graph input; returns its name.</summary>
    public string Input(string name, params long[] shape)
    {
        Proto.Input.Add(ValueInfo(name, shape));
        return name;
    }

    /// <summary>Declares the value <paramref name="name"/> a float32 graph output.</summary>
    public void Output(string name, params long[] shape) => Proto.Output.Add(ValueInfo(name, shape));

    /// <summary>Appends a node of one output, named <paramref name="output"/> as the node itself is; returns that name.</summary>
    public string Node(string operation, string output, string[] inputs, params AttributeProto[] attributes)
    {
        Node(operation, output, inputs, [output], attributes);
        return output;
    }

    /// <summary>Appends a node named <paramref name="name"/> with several outputs.</summary>
    public void Node(string operation, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = operation, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Proto.Node.Add(node);
    }

    /// <summary>A float initializer holding a copy of <paramref name="tensor"/> (a weight), with its shape; returns its name.</summary>
    public string Weights(string name, Tensor tensor)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor values = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
        var initializer = new TensorProto { Name = name, DataType = FloatType };
        initializer.Dims.AddRange(values.shape);
        initializer.FloatData.AddRange(values.data<float>().ToArray());
        Proto.Initializer.Add(initializer);
        return name;
    }

    /// <summary>A float scalar initializer (it broadcasts against any tensor); returns its name.</summary>
    public string Scalar(string name, float value)
    {
        var initializer = new TensorProto { Name = name, DataType = FloatType };
        initializer.FloatData.Add(value);
        Proto.Initializer.Add(initializer);
        return name;
    }

    /// <summary>A one-dimensional int64 initializer (axes, shapes); returns its name.</summary>
    public string Int64s(string name, params long[] values)
    {
        var initializer = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        initializer.Dims.Add(values.Length);
        initializer.Int64Data.AddRange(values);
        Proto.Initializer.Add(initializer);
        return name;
    }

    private static ValueInfoProto ValueInfo(string name, long[] shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (long dimension in shape)
        {
            tensorShape.Dim.Add(dimension == BatchDimension
                ? new TensorShapeProto.Types.Dimension { DimParam = Batch }
                : new TensorShapeProto.Types.Dimension { DimValue = dimension });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = FloatType, Shape = tensorShape } },
        };
    }
}
