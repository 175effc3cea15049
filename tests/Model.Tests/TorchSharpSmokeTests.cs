using static TorchSharp.torch;

namespace Siamese.Model.Tests;

[Collection(TorchCollection.Name)]
public sealed class TorchSharpSmokeTests
{
    [Fact]
    public void Matmul_SmallMatrices_ComputesProduct()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        using var b = tensor(new float[] { 7, 8, 9, 10, 11, 12 }, 3, 2);

        using var product = a.matmul(b);

        Assert.Equal(new long[] { 2, 2 }, product.shape);
        Assert.Equal(new float[] { 58, 64, 139, 154 }, product.data<float>().ToArray());
    }
}
