namespace Siamese.Pipeline;

/// <summary>The <c>Pipeline:Validation</c> section: the validation stream's seed, whether it is augmented, and whether it is drawn anew each epoch.</summary>
public sealed class ValidationStreamOptions
{
    /// <summary>
    /// Off by default so every epoch validates on the same pairs. On reproduces the tutorial, whose validation
    /// generators were wired to the training augmenter.
    /// </summary>
    public bool Augment { get; set; }

    /// <summary>
    /// Off by default: one validation set for every epoch. On reproduces Keras's <c>fit_generator</c> with a validation
    /// generator, which validates each epoch on new batches: epoch e's come from a seed derived from
    /// <see cref="Seed"/> and e (<see cref="StreamSettings.Validation(PipelineOptions, int)"/>), so a resumed run
    /// validates epoch e on the same batches as an uninterrupted one.
    /// </summary>
    public bool Fresh { get; set; }

    public int Seed { get; set; } = 1;
}
