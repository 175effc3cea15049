using System.ComponentModel.DataAnnotations;

namespace Siamese.Pipeline;

/// <summary>The <c>Pipeline</c> section: batch shape, channel capacities, parallelism, seeds and augmentation.</summary>
public sealed class PipelineOptions
{
    public const string SectionName = "Pipeline";

    /// <summary>Pairs per batch; the first ceil(B/2) are same-digit pairs, the rest different-digit pairs.</summary>
    [Range(2, int.MaxValue, ErrorMessage = "must be at least 2")]
    public int BatchSize { get; set; } = 20;

    /// <summary>Largest batch: its images take 2 × B × 784 floats in every pooled batch and in the trainer.</summary>
    public const int MaxBatchSize = 4096;

    /// <summary>
    /// Most pairs the pooled batches may hold together ((<see cref="BatchCapacity"/> + <see cref="ProducerCapacity"/> + 1)
    /// × <see cref="BatchSize"/>): about 400 MiB of 28×28 images.
    /// </summary>
    public const int MaxPooledPairs = 65_536;

    /// <summary>Most batches planned ahead, and most blocks a digit's channel may hold.</summary>
    public const int MaxProducerCapacity = 64;

    /// <summary>Most finished batches waiting for the trainer.</summary>
    public const int MaxBatchCapacity = 256;

    /// <summary>
    /// Batches the pairing stage plans ahead, whose images the producers augment meanwhile, and the filled blocks
    /// each digit's channel may hold.
    /// </summary>
    [Range(1, int.MaxValue, ErrorMessage = "must be at least 1")]
    public int ProducerCapacity { get; set; } = 4;

    /// <summary>
    /// Most images per channel item: the slots of one batch that one digit's producer fills go to it in blocks of at
    /// most this many. Blocks amortise the channel hand-offs; the batches are the same for any block size.
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

    /// <summary>
    /// Puts the smaller digit of each different-digit pair on the left, as the tutorial's <c>sort(sample(…, 2))</c>
    /// does; off, either digit is as likely on either side. The draws are the same either way.
    /// </summary>
    public bool SortDifferentPairs { get; set; }

    /// <summary>Seed of the training stream; each producer and the pairing stage derive their own generator from it.</summary>
    public int Seed { get; set; } = 42;

    [Required(ErrorMessage = "is required")]
    public AugmentationOptions Augmentation { get; set; } = new();

    [Required(ErrorMessage = "is required")]
    public ValidationStreamOptions Validation { get; set; } = new();
}
