using Siamese.Pipeline.Data;

namespace Siamese.Pipeline.Tests.Data;

/// <summary>Data files that are not regular files are refused by name before they are opened (opening a FIFO blocks).</summary>
public sealed class RegularFileTests
{
    /// <summary>How long a load that should be refused at once may stay blocked before the test unblocks it and fails (a hang guard, not a speed check).</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public void Problem_RegularFileAndSymlinkToOne_IsNull()
    {
        using var fx = new MnistFixtures();
        File.WriteAllBytes(fx.PathOf("file"), [1, 2, 3]);
        File.CreateSymbolicLink(fx.PathOf("link"), fx.PathOf("file"));

        Assert.Null(RegularFile.Problem(fx.PathOf("file")));
        Assert.Null(RegularFile.Problem(fx.PathOf("link")));
    }

    [Fact]
    public void Problem_Directory_SaysSo()
    {
        using var fx = new MnistFixtures();

        Assert.Equal("is a directory, not a file", RegularFile.Problem(fx.Directory));
    }

    [Fact]
    public void Problem_MissingFileAndDanglingLink_SayDoesNotExist()
    {
        using var fx = new MnistFixtures();
        File.CreateSymbolicLink(fx.PathOf("dangling"), fx.PathOf("nothing"));

        Assert.Equal("does not exist", RegularFile.Problem(fx.PathOf("missing")));
        Assert.StartsWith("does not exist", RegularFile.Problem(fx.PathOf("dangling")));
    }

    [Fact]
    public void Problem_Fifo_NamesNamedPipe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var fx = new MnistFixtures();
        MnistFixtures.MakeFifo(fx.PathOf("pipe"));

        Assert.Equal("is a named pipe (FIFO), not a regular file", RegularFile.Problem(fx.PathOf("pipe")));
    }

    [Fact]
    public void Problem_SymlinkToDevZero_NamesCharacterDeviceAndTarget()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var fx = new MnistFixtures();
        File.CreateSymbolicLink(fx.PathOf("zero"), "/dev/zero");

        Assert.Equal("is a character device, not a regular file (it is a symbolic link to /dev/zero)", RegularFile.Problem(fx.PathOf("zero")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TryLoad_FifoAsImagesFile_RefusedWithoutBlocking(bool npz)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var fx = new MnistFixtures();
        string pipe;
        if (npz)
        {
            pipe = fx.PathOf(MnistFiles.NpzName);
        }
        else
        {
            fx.WriteIdxSet(train: 12, test: 6);
            pipe = fx.PathOf(MnistFiles.TrainImages);
            File.Delete(pipe);
        }

        MnistFixtures.MakeFifo(pipe);

        var e = Assert.IsType<DataFormatException>(LoadUnlessBlocked(fx.Directory, pipe));

        Assert.Equal($"{pipe}: is a named pipe (FIFO), not a regular file", e.Message);
    }

    [Fact]
    public void TryLoad_SymlinkToDevZeroAsImagesFile_RefusedAsCharacterDevice()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var fx = new MnistFixtures();
        fx.WriteIdxSet(train: 12, test: 6, gzip: true);
        var images = fx.PathOf(MnistFiles.TrainImages + ".gz");
        File.Delete(images);
        File.CreateSymbolicLink(images, "/dev/zero");
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<DataFormatException>(() => MnistLoader.TryLoad(fx.Directory));

        Assert.Contains("is a character device, not a regular file (it is a symbolic link to /dev/zero)", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void TryLoad_DirectoryWhereImagesFileBelongs_RefusedInsteadOfSkipped()
    {
        using var fx = new MnistFixtures();
        fx.WriteIdxSet(train: 12, test: 6);
        File.Delete(fx.PathOf(MnistFiles.TestImages));
        Directory.CreateDirectory(fx.PathOf(MnistFiles.TestImages));

        Assert.True(MnistLoader.IsPresent(fx.Directory));
        var e = Assert.Throws<DataFormatException>(() => MnistLoader.TryLoad(fx.Directory));

        Assert.Equal($"{fx.PathOf(MnistFiles.TestImages)}: is a directory, not a file", e.Message);
    }

    /// <summary>
    /// Loads <paramref name="folder"/> on another thread and returns what it threw. If it is still blocked (on the FIFO)
    /// after <see cref="HangGuard"/>, opens the FIFO's writing end so the reader sees an end of file, then fails.
    /// </summary>
    private static Exception? LoadUnlessBlocked(string folder, string pipe)
    {
        var load = Task.Factory.StartNew(() => MnistLoader.TryLoad(folder), TaskCreationOptions.LongRunning);
        if (!((IAsyncResult)load).AsyncWaitHandle.WaitOne(HangGuard))
        {
            using (new FileStream(pipe, FileMode.Open, FileAccess.Write))
            {
            }

            Assert.Fail($"Loading {folder} blocked on the FIFO {pipe}.");
        }

        return load.Exception?.InnerException;
    }
}
