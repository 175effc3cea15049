namespace Siamese.Host.Configuration;

/// <summary>The training loss (<c>Training:Loss</c>); it decides the similarity the model records.</summary>
public enum LossKind
{
    /// <summary>Binary cross-entropy on the sigmoid of a learned head (the tutorial's).</summary>
    BinaryCrossEntropy,

    /// <summary>The contrastive loss on the Euclidean distance of the embeddings.</summary>
    Contrastive,
}
