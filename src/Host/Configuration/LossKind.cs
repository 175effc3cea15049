namespace Siamese.Host.Configuration;

/// <summary>The training loss (<c>Training:Loss</c>); it decides the similarity the model records.</summary>
public enum LossKind
{
    /// <summary>Binary cross-entropy on the sigmoid of a learned head (the tutorial's).</summary>
    BinaryCrossEntropy,

    /// <summary>The contrastive loss on the Euclidean distance of the embeddings.</summary>
    Contrastive,

    /// <summary>
    /// A softmax over the training classes of the scaled cosine between each image's embedding and a learned direction
    /// per class (<c>Training:SoftmaxScale</c>); the model compares two images by the cosine of their embeddings.
    /// </summary>
    CosineSoftmax,
}
