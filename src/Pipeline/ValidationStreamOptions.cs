namespace Siamese.Pipeline;

/// <summary>The <c>Pipeline:Validation</c> section: the validation stream's seed and whether it is augmented.</summary>
public sealed class ValidationStreamOptions
{
    /// <summary>
    /// Off by default so every epoch validates on the same pairs. On reproduces the tutorial, whose validation
    /// generators were wired to the training augmenter.
    /// </summary>
    public bool Augment { get; set; }

    public int Seed { get; set; } = 1;
}
