using System.Diagnostics;

namespace Siamese.Model.Tests;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("atomic-tests-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Write_WriterFailsHalfway_KeepsTheOldFileAndNoTemporary()
    {
        string path = Path.Combine(directory, "model.bin");
        AtomicFile.WriteAllText(path, "old");

        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[4096]);
            throw new IOException("disk full");
        }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(directory));
    }

    [Fact]
    public void Write_FolderCannotTakeTheFile_ErrorNamesTheTargetNotTheTemporary()
    {
        string blocker = Path.Combine(directory, "not-a-folder");
        File.WriteAllText(blocker, "x");
        string path = Path.Combine(blocker, "evaluation.json");

        var error = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(path, "{}"));

        Assert.StartsWith($"{path} cannot be written: ", error.Message);
        Assert.Equal([blocker], Directory.GetFiles(directory));
    }

    [Fact]
    public void WriteByPath_RendererFailsAfterWritingPart_KeepsTheOldFileAndNoTemporary()
    {
        string path = Path.Combine(directory, "history.png");
        AtomicFile.WriteAllText(path, "old");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.WriteByPath(path, temporary =>
        {
            File.WriteAllText(temporary, "half a picture");
            throw new InvalidOperationException("renderer failed");
        }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(directory));
    }

    [Fact]
    public void Write_Succeeds_ReplacesTheFileAndCreatesItsFolder()
    {
        string path = Path.Combine(directory, "a", "b", "evaluation.json");

        AtomicFile.WriteJson(path, new { Accuracy = double.NaN });
        AtomicFile.WriteAllText(path, "new");

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(directory, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Write_LeftoverOfADeadWriter_IsRemovedButALiveWritersIsKept()
    {
        string path = Path.Combine(directory, "evaluation-full.json");
        int dead = DeadProcessId();
        string deadLeftover = Path.Combine(directory, $".evaluation-full.json{AtomicFile.TemporaryMarker}{dead}-0123");
        string liveLeftover = Path.Combine(directory, $".evaluation-full.json{AtomicFile.TemporaryMarker}{Environment.ProcessId}-4567");
        File.WriteAllText(deadLeftover, "half");
        File.WriteAllText(liveLeftover, "in flight");

        AtomicFile.WriteAllText(path, "new");

        Assert.False(File.Exists(deadLeftover));
        Assert.True(File.Exists(liveLeftover));
    }

    [Fact]
    public void RemoveLeftovers_NestedTemporaries_AreAllRemovedAndOtherFilesKept()
    {
        Directory.CreateDirectory(Path.Combine(directory, "tensorboard"));
        string kept = Path.Combine(directory, "history.csv");
        File.WriteAllText(kept, "x");
        File.WriteAllText(Path.Combine(directory, ".history.csv.tmp-1-ab"), "half");
        File.WriteAllText(Path.Combine(directory, "tensorboard", ".events.tmp-2-cd"), "half");

        AtomicFile.RemoveLeftovers(directory);

        Assert.Equal([kept], Directory.GetFiles(directory, "*", SearchOption.AllDirectories));
    }

    private static int DeadProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
