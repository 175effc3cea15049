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

    /// <summary><c>Pipeline:Validation:Seed</c> and <c>Pipeline:Validation:Augment</c>.</summary>
    public static StreamSettings Validation(PipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new StreamSettings(options.Validation.Seed, options.Validation.Augment);
    }
}
