using System.Text.Json.Serialization;

namespace Siamese.Model;

/// <summary>How a new network's weights start (<c>Model:Initialization</c>).</summary>
[JsonConverter(typeof(EnumNameConverter<WeightInitialization>))]
public enum WeightInitialization
{
    /// <summary>Keras's defaults: Glorot-uniform kernels, zero biases (what the tutorial's network starts from).</summary>
    Keras,

    /// <summary>PyTorch's defaults: Kaiming-uniform (a = √5) weights, uniform biases.</summary>
    Torch,
}
