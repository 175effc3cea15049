using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Siamese.Model;

/// <summary>
/// Direct access to a tensor's storage for the managed loops of the training step and the optimisers: valid while the
/// tensor lives and its storage is not reallocated (in-place <c>copy_</c>/<c>load</c> keep it).
/// </summary>
internal static unsafe class TensorMemory
{
    /// <summary>The first float of <paramref name="tensor"/>'s storage.</summary>
    /// <exception cref="ArgumentException">It is not a contiguous float32 CPU tensor.</exception>
    public static float* DataOf(Tensor tensor)
    {
        if (tensor.dtype != ScalarType.Float32 || tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
        {
            throw new ArgumentException("Expected a contiguous float32 CPU tensor.", nameof(tensor));
        }

        return (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(tensor.bytes));
    }
}
