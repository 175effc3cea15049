namespace Siamese.Tests.Shared;

/// <summary>Reads back a TensorBoard events file (TFRecord framing: length as uint64, its CRC, the record, its CRC).</summary>
internal static class TensorBoardEvents
{
    /// <summary>Every scalar in <paramref name="path"/>, in the order written: tag, step, value.</summary>
    public static List<(string Tag, long Step, float Value)> Scalars(string path)
    {
        var scalars = new List<(string, long, float)>();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new BinaryReader(stream);
        while (stream.Position < stream.Length)
        {
            ulong length = reader.ReadUInt64();
            reader.ReadUInt32();
            var e = Tensorboard.Event.Parser.ParseFrom(reader.ReadBytes((int)length));
            reader.ReadUInt32();
            scalars.AddRange((e.Summary?.Value ?? []).Select(v => (v.Tag, e.Step, v.SimpleValue)));
        }

        return scalars;
    }
}
