namespace Siamese.Model;

/// <summary>Optimiser and runtime settings for <see cref="SiameseTrainer"/>.</summary>
/// <remarks>Defaults are Keras's RMSprop defaults (learning rate 1e-3, rho 0.9, epsilon 1e-7).</remarks>
public sealed record TrainerSettings
{
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Decay of the running mean of squared gradients (Keras <c>rho</c>, PyTorch <c>alpha</c>).</summary>
    public double Rho { get; init; } = 0.9;

    /// <summary>Added to the mean square inside the square root, as Keras does.</summary>
    public double Epsilon { get; init; } = 1e-7;

    /// <summary>Seeds libtorch's global generator (weight initialisation and dropout).</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Largest number of pairs passed to one call; tensors of this size are allocated once.</summary>
    public int MaxBatch { get; init; } = 128;

    /// <summary>libtorch intra-op threads (process-wide); 0 leaves libtorch's default.</summary>
    public int TorchThreads { get; init; } = 1;

    internal void ThrowIfInvalid()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(LearningRate, nameof(LearningRate));
        if (Rho is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Rho), Rho, "Rho must be in [0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Epsilon, nameof(Epsilon));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxBatch, nameof(MaxBatch));
        ArgumentOutOfRangeException.ThrowIfNegative(TorchThreads, nameof(TorchThreads));
    }
}
