namespace Siamese.Pipeline.Data;

/// <summary>What validation and test hold out (<c>Data:Split</c>).</summary>
public enum SplitKind
{
    /// <summary>Images: each class's images are shared out, so every class is seen in training (MNIST's split).</summary>
    Images,

    /// <summary>Whole classes: validation and test classes are never seen in training.</summary>
    Classes,

    /// <summary>Whole groups (Omniglot's alphabets): every class of a held-out group is held out with it.</summary>
    Groups,
}
