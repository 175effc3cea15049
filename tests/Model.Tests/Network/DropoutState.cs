namespace Siamese.Model.Tests;

/// <summary>A <see cref="DropoutRandom"/>'s state through its own <c>Save</c> and <c>Load</c>: to rewind it, or to read its four words.</summary>
internal static class DropoutState
{
    public static byte[] Save(DropoutRandom random)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            random.Save(writer);
        }

        return memory.ToArray();
    }

    public static void Load(DropoutRandom random, byte[] state)
    {
        using var reader = new BinaryReader(new MemoryStream(state));
        random.Load(reader);
    }

    public static ulong[] Words(DropoutRandom random)
    {
        using var reader = new BinaryReader(new MemoryStream(Save(random)));
        return [reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64()];
    }
}
