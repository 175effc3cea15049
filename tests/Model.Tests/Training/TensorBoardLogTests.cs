using Siamese.Tests.Shared;

namespace Siamese.Model.Tests;

/// <summary>
/// TorchSharp's TensorBoard writer was built against Google.Protobuf 3.21.9; the ONNX export lifts the runtime to
/// 3.36.2 for the whole Model project. This proves the writer still produces events that parse back.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class TensorBoardLogTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("tensorboard-tests-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Scalar_WithTheLiftedProtobufRuntime_WritesEventsThatParseBack()
    {
        var log = new TensorBoardLog(directory);

        log.Scalar("loss", 0.25, step: 3);
        log.Scalar("loss", double.NaN, step: 4);

        var scalars = TensorBoardEvents.Scalars(Assert.Single(Directory.GetFiles(directory, "events.out.tfevents.*")));
        Assert.Equal([("loss", 3L, 0.25f)], scalars);
    }
}
