using TorchSharp.Modules;
using static TorchSharp.torch.utils;

namespace Siamese.Model;

/// <summary>Scalars for TensorBoard (<c>tensorboard --logdir &lt;folder&gt;</c>), written with TorchSharp's <see cref="SummaryWriter"/>.</summary>
public sealed class TensorBoardLog
{
    private readonly SummaryWriter writer;

    public TensorBoardLog(string folder)
    {
        writer = tensorboard.SummaryWriter(folder);
    }

    /// <summary>Records <paramref name="value"/> under <paramref name="tag"/> at <paramref name="step"/>; NaN (not measured) is skipped.</summary>
    public void Scalar(string tag, double value, int step)
    {
        if (double.IsFinite(value))
        {
            writer.add_scalar(tag, (float)value, step);
        }
    }
}
