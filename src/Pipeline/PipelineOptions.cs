using System.ComponentModel.DataAnnotations;

namespace Siamese.Pipeline;

/// <summary>The <c>Pipeline</c> section: batch shape, channel capacities, parallelism, seeds and augmentation.</summary>
public sealed class PipelineOptions
{
    public const string SectionName = "Pipeline";

    /// <summary>Pairs per batch; the first ceil(B/2) are same-digit pairs, the rest different-digit pairs.</summary>
    [Range(2, int.MaxValue, ErrorMessage = "must be at least 2")]
    public int BatchSize { get; set; } = 20;

    /// <summary>Items each digit producer may have waiting in its channel; an item is a block of <see cref="BlockSize"/> images.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1")]
    public int ProducerCapacity { get; set; } = 4;

    /// <summary>
    /// Images per producer channel item. Blocks amortise the channel hand-off over many images; the image sequence
    /// each producer emits, and so every batch, is the same for any block size.
    /// </summary>
    [Range(1, 4096, ErrorMessage = "must be between 1 and 4096")]
    public int BlockSize { get; set; } = 32;

    /// <summary>Finished batches that may wait for the trainer.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1")]
    public int BatchCapacity { get; set; } = 8;

    /// <summary>
    /// Producers augmenting at the same time. The default leaves one core to the trainer thread
    /// (one worker on a 2-core machine, which already produces far more images than the trainer consumes).
    /// </summary>
    [Range(1, 1024, ErrorMessage = "must be between 1 and 1024")]
    public int Workers { get; set; } = Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>Seed of the training stream; each producer and the pairing stage derive their own generator from it.</summary>
    public int Seed { get; set; } = 42;

    [Required(ErrorMessage = "is required")]
    public AugmentationOptions Augmentation { get; set; } = new();

    [Required(ErrorMessage = "is required")]
    public ValidationStreamOptions Validation { get; set; } = new();
}
