using System.ComponentModel.DataAnnotations;

namespace Siamese.Model;

/// <summary>
/// Optimiser and runtime settings for <see cref="SiameseTrainer"/>; the host binds them from the <c>Training</c>
/// configuration section. The rules are these annotations, checked once wherever the settings come from (messages are
/// phrases that follow the key: <c>Training:LearningRate must be a positive number …</c>).
/// </summary>
/// <remarks>Defaults are Keras's RMSprop defaults (learning rate 1e-3, rho 0.9, epsilon 1e-7).</remarks>
public sealed record TrainerSettings
{
    /// <summary>The optimiser, as Keras defines it.</summary>
    [EnumDataType(typeof(OptimizerKind), ErrorMessage = "must be RMSprop or Adam")]
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.RMSprop;

    [Range(0.0, 1e3, MinimumIsExclusive = true, ErrorMessage = "must be a positive number no larger than {2}")]
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Decay of the running mean of squared gradients (Keras <c>rho</c>, PyTorch <c>alpha</c>).</summary>
    [Range(0.0, 1.0, MaximumIsExclusive = true, ErrorMessage = "must be in [0, 1)")]
    public double Rho { get; init; } = 0.9;

    /// <summary>Adam's decay of the first moment.</summary>
    [Range(0.0, 1.0, MaximumIsExclusive = true, ErrorMessage = "must be in [0, 1)")]
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's decay of the second moment.</summary>
    [Range(0.0, 1.0, MaximumIsExclusive = true, ErrorMessage = "must be in [0, 1)")]
    public double Beta2 { get; init; } = 0.999;

    /// <summary>RMSprop adds it to the mean square inside the square root, Adam to the root, as Keras does.</summary>
    [Range(0.0, 1.0, MinimumIsExclusive = true, ErrorMessage = "must be positive and at most 1")]
    public double Epsilon { get; init; } = 1e-7;

    /// <summary>Seeds libtorch's global generator (weight initialisation and dropout).</summary>
    public long Seed { get; init; } = 1;

    /// <summary>libtorch intra-op threads (process-wide); one is fastest for small batches on two cores.</summary>
    [Range(1, 256, ErrorMessage = "must be between {1} and {2}")]
    public int TorchThreads { get; init; } = 1;

    /// <summary>Throws <see cref="ValidationException"/> naming the first invalid setting.</summary>
    public void ThrowIfInvalid() => Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
}
