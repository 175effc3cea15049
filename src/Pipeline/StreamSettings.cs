namespace Siamese.Pipeline;

/// <summary>Which stream a <see cref="PairStream"/> is: its seed and whether its images are augmented.</summary>
public sealed record StreamSettings(int Seed, bool Augment)
{
    /// <summary><c>Pipeline:Seed</c>, augmented.</summary>
    public static StreamSettings Training(PipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new StreamSettings(options.Seed, Augment: true);
    }

    /// <summary><c>Pipeline:Validation:Seed</c> and <c>Pipeline:Validation:Augment</c>: the one validation stream.</summary>
    public static StreamSettings Validation(PipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new StreamSettings(options.Validation.Seed, options.Validation.Augment);
    }

    /// <summary>
    /// The validation stream of epoch <paramref name="epoch"/> (from 0): with <c>Pipeline:Validation:Fresh</c> its
    /// own seed, derived from <c>Pipeline:Validation:Seed</c> and the epoch, so each epoch gets new batches and the
    /// same epoch always the same ones; without it, <see cref="Validation(PipelineOptions)"/> for every epoch.
    /// </summary>
    public static StreamSettings Validation(PipelineOptions options, int epoch)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return options.Validation.Fresh
            ? new StreamSettings(SeedDerivation.ValidationEpoch(options.Validation.Seed, epoch), options.Validation.Augment)
            : Validation(options);
    }
}
