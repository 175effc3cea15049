using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>
/// An optimiser over one flat parameter buffer and its flat gradient buffer (see <see cref="FlatParameters"/>): one
/// fused pass per step, which also clears the gradient for the next backward pass.
/// </summary>
internal interface IFlatOptimizer : IDisposable
{
    /// <summary>As <see cref="TrainerSettings.Optimizer"/> names it.</summary>
    string Name { get; }

    /// <summary>The rate the next <see cref="Step"/> uses (a schedule changes it between steps).</summary>
    double LearningRate { get; set; }

    /// <summary>What a checkpoint keeps to continue exactly: tensors updated in place, aligned with the parameters.</summary>
    IReadOnlyList<Tensor> State { get; }

    /// <summary>Applies the update and sets the gradient to zero.</summary>
    void Step();
}
