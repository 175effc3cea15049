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
}
