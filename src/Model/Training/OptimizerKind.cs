using System.Text.Json.Serialization;

namespace Siamese.Model;

/// <summary>The optimiser (<c>Training:Optimizer</c>), each as Keras defines it.</summary>
[JsonConverter(typeof(EnumNameConverter<OptimizerKind>))]
public enum OptimizerKind
{
    /// <summary>RMSprop with epsilon inside the square root: the tutorial's optimiser.</summary>
    RMSprop,

    /// <summary>Adam with epsilon outside the square root and the bias-corrected rate.</summary>
    Adam,
}
