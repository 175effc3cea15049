namespace Siamese.Host.Tests.Runs;

public sealed class RunDirectoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("siamese-run-").FullName;

    [Fact]
    public void WriteAtomically_WriterFailsHalfway_KeepsOldFileAndLeavesNoTemporary()
    {
        using var folder = RunDirectory.Open(Path.Combine(_root, "atomic"));
        folder.WriteAllText("checkpoint.bin", "good");

        Assert.Throws<IOException>(() => folder.WriteAtomically("checkpoint.bin", stream =>
        {
            stream.Write(new byte[1000]);
            throw new IOException("disk full");
        }));

        Assert.Equal("good", File.ReadAllText(folder.File("checkpoint.bin")));
        Assert.Single(Directory.GetFiles(folder.Path, "checkpoint*"));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp-*"));
    }

    [Fact]
    public void Open_TemporaryLeftByAKilledWrite_IsRemoved()
    {
        var path = Path.Combine(_root, "killed");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, ".checkpoint.bin.tmp-0123"), "half");

        using var folder = RunDirectory.Open(path);

        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp-*"));
    }

    [Fact]
    public void Open_FolderHeldByAnotherRun_RefusesWithClearMessage()
    {
        var path = Path.Combine(_root, "locked");
        using var first = RunDirectory.Open(path);

        var e = Assert.Throws<RunDirectoryException>(() => RunDirectory.Open(path));

        Assert.Contains("in use by another running instance", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Open_PathUnderAFile_RefusesAtStart()
    {
        var file = Path.Combine(_root, "plain-file");
        File.WriteAllText(file, "x");

        var e = Assert.Throws<RunDirectoryException>(() => RunDirectory.Open(Path.Combine(file, "run")));

        Assert.Contains("cannot be created", e.Message);
    }

    [Fact]
    public void Restore_TruncatedCheckpoint_ThrowsNamingFile()
    {
        var path = Path.Combine(_root, "bad.bin");
        File.WriteAllBytes(path, "SIAMCKP1"u8.ToArray().Concat(new byte[] { 10, 0, 0, 0, (byte)'{' }).ToArray());

        var e = Assert.Throws<CheckpointException>(() => Checkpoint.ReadProgress(path));

        Assert.Contains(path, e.Message);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
