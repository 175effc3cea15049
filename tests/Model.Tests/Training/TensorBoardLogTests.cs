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

        var scalars = ReadEvents(Assert.Single(Directory.GetFiles(directory, "events.out.tfevents.*")))
            .SelectMany(e => e.Summary?.Value ?? [])
            .Select(v => (v.Tag, v.SimpleValue))
            .ToList();
        Assert.Equal([("loss", 0.25f)], scalars);
    }

    /// <summary>The TFRecord framing: length (uint64), its CRC, the record, its CRC.</summary>
    private static List<Tensorboard.Event> ReadEvents(string path)
    {
        var events = new List<Tensorboard.Event>();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new BinaryReader(stream);
        while (stream.Position < stream.Length)
        {
            ulong length = reader.ReadUInt64();
            reader.ReadUInt32();
            events.Add(Tensorboard.Event.Parser.ParseFrom(reader.ReadBytes((int)length)));
            reader.ReadUInt32();
        }

        return events;
    }
}
