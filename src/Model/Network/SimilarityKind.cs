using System.Text.Json.Serialization;

namespace Siamese.Model;

/// <summary>How a pair's similarity is computed; it follows the training loss and is recorded with the weights.</summary>
[JsonConverter(typeof(EnumNameConverter<SimilarityKind>))]
public enum SimilarityKind
{
    /// <summary>A Dense(1) on the distance gives a logit; similarity is its sigmoid (binary cross-entropy).</summary>
    Sigmoid,

    /// <summary>
    /// The Euclidean distance d of the embeddings (contrastive loss); similarity is 2^(−(2d/margin)²): 1 at d = 0,
    /// 0.5 at d = margin/2 (the Keras example's decision rule for margin 1), 1/16 at d = margin.
    /// </summary>
    Contrastive,
}
