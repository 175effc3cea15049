using System.Text.Json.Serialization;

namespace Siamese.Model;

/// <summary>How the sigmoid similarity compares two embeddings before its Dense(1) head (<c>Model:Distance</c>).</summary>
[JsonConverter(typeof(EnumNameConverter<DistanceKind>))]
public enum DistanceKind
{
    /// <summary><c>|a − b|</c> per embedding component (the tutorial's choice).</summary>
    L1,

    /// <summary><c>(a − b)²</c> per component: the head learns a weighted squared Euclidean distance.</summary>
    L2,
}
