using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>
/// Moves every parameter of a module into one flat buffer and every gradient into another (each parameter and its
/// gradient become views into them), so an optimiser updates the whole network in one pass over three buffers.
/// </summary>
internal static class FlatParameters
{
    /// <summary>Packs the parameters of <paramref name="modules"/>, each in <c>named_parameters</c> order; returns the buffers and each parameter's key and shape.</summary>
    public static (Tensor Parameters, Tensor Gradients, IReadOnlyList<(string, long[])> Shapes) Pack(params nn.Module?[] modules)
    {
        var named = modules.OfType<nn.Module>().SelectMany(module => module.named_parameters()).ToList();
        long total = named.Sum(p => p.parameter.numel());
        Tensor parameters = empty(total).DetachFromDisposeScope();
        Tensor gradients = zeros(total).DetachFromDisposeScope();
        var shapes = new List<(string, long[])>(named.Count);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long offset = 0;
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in named)
        {
            long[] shape = parameter.shape;
            long size = parameter.numel();
            Tensor values = parameters.narrow(0, offset, size).view(shape);
            values.copy_(parameter);
            parameter.set_(values);
            parameter.grad = gradients.narrow(0, offset, size).view(shape);
            shapes.Add((name, shape));
            offset += size;
        }

        return (parameters, gradients, shapes);
    }
}
