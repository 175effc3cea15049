using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Siamese.Model;
using Siamese.Pipeline;
using Siamese.Host.Runs;
using Siamese.Host.Training;

namespace Siamese.Host.Configuration;

/// <summary>
/// The <c>Training</c> section's loop settings (Keras <c>fit_generator</c> semantics). The optimiser's settings in the
/// same section bind to <see cref="Siamese.Model.TrainerSettings"/>.
/// </summary>
internal sealed class TrainingOptions
{
    public const string SectionName = "Training";

    /// <summary>At most 10,000: every checkpoint carries the history of every epoch (about 330 bytes each) in its header.</summary>
    [Range(1, 10_000, ErrorMessage = "must be between {1} and {2}")]
    public int Epochs { get; set; } = 50;

    [Range(1, 100_000_000, ErrorMessage = "must be between {1} and {2}")]
    public int StepsPerEpoch { get; set; } = 100;

    [Range(0, 1_000_000, ErrorMessage = "must be between {1} and {2}")]
    public int ValidationSteps { get; set; } = 50;

    /// <summary>A checkpoint file (or a run folder holding <c>checkpoint.bin</c>) to continue from.</summary>
    public string? ResumeFrom { get; set; }

    /// <summary>Binary cross-entropy (the tutorial's, on the sigmoid of a learned head) or contrastive (on the Euclidean distance).</summary>
    [EnumDataType(typeof(LossKind), ErrorMessage = "must be BinaryCrossEntropy or Contrastive")]
    public LossKind Loss { get; set; } = LossKind.BinaryCrossEntropy;

    /// <summary>The contrastive loss's margin: different pairs are pushed at least this far apart.</summary>
    [Range(0.0, 1e3, MinimumIsExclusive = true, ErrorMessage = "must be positive and at most {2}")]
    public double Margin { get; set; } = 1.0;

    /// <summary>How the learning rate moves over the run (see <see cref="LearningRateSchedule"/>).</summary>
    [EnumDataType(typeof(ScheduleKind), ErrorMessage = "must be Constant, Cosine or OneCycle")]
    public ScheduleKind Schedule { get; set; } = ScheduleKind.Constant;

    /// <summary>OneCycle: the share of the run spent warming up to <c>Training:LearningRate</c>.</summary>
    [Range(0.0, 1.0, MinimumIsExclusive = true, MaximumIsExclusive = true, ErrorMessage = "must be between 0 and 1, exclusive")]
    public double WarmupFraction { get; set; } = 0.3;

    /// <summary>The checkpoint <see cref="ResumeFrom"/> names (the file itself, or the <c>checkpoint.bin</c> of the run folder it names); null when not resuming.</summary>
    public string? ResumeCheckpoint() => string.IsNullOrWhiteSpace(ResumeFrom) ? null : Checkpoint.Resolve(ResumeFrom);
}
