using System.Text.Json.Serialization;

namespace Siamese.Model;

/// <summary>The shared tower's kind (<c>Model:Tower</c>).</summary>
[JsonConverter(typeof(EnumNameConverter<TowerKind>))]
public enum TowerKind
{
    /// <summary>The tutorial's tower: Dense layers only.</summary>
    Mlp,

    /// <summary>3×3 convolutions, each with ReLU and 2×2 max-pooling, then the Dense layers.</summary>
    Conv,

    /// <summary>
    /// Blocks of a zero-padded 3×3 convolution, batch normalisation, ReLU and (unless <see cref="ModelOptions.ConvPooling"/>
    /// says otherwise) 2×2 max-pooling, flattened, then any Dense layers: the encoder of prototypical networks.
    /// </summary>
    ConvBlocks,
}
