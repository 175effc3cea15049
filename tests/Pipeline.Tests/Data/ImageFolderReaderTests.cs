using Siamese.Pipeline.Data;
using System.IO.Compression;
using System.Text;

namespace Siamese.Pipeline.Tests.Data;

/// <summary>
/// Image sets as a user lays them out, in folders and zips, read with a stand-in decoder (a picture here is its width,
/// its height and its grey bytes): the layout, the classes, what is left out, and every kind of bad file.
/// </summary>
public sealed class ImageFolderReaderTests : IDisposable
{
    private static readonly ImagePreparation Same = new(4, Invert: false, CentreKind.None);

    private readonly string _root = Directory.CreateTempSubdirectory("image-sets-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The stand-in format: width, height, then width × height grey bytes.</summary>
    private static readonly PictureDecoder Decode = (bytes, name) =>
    {
        if (bytes.Length < 2 || bytes.Length != 2 + (bytes[0] * bytes[1]))
        {
            throw new DataFormatException(name, "is not a picture");
        }

        return new GreyPicture([.. bytes.Skip(2).Select(b => (float)b)], bytes[0], bytes[1]);
    };

    private static byte[] Picture(byte value) => [4, 4, .. Enumerable.Repeat(value, 16)];

    private void Write(string relative, byte[] bytes)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    private string Zip(string name, params (string Entry, byte[] Bytes)[] entries)
    {
        var path = Path.Combine(_root, name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (entry, bytes) in entries)
        {
            using var stream = zip.CreateEntry(entry).Open();
            stream.Write(bytes);
        }

        return path;
    }

    private ImageSet Read(string? path = null) => ImageFolderReader.Read(path ?? Path.Combine(_root, "set"), Same, Decode, CancellationToken.None);

    [Fact]
    public void Read_FolderPerClass_ClassesInNameOrderLabelledFromZeroImagesInFileOrder()
    {
        Write("set/cat/b.png", Picture(2));
        Write("set/cat/a.png", Picture(1));
        Write("set/ant/x.jpg", Picture(7));
        Write("set/ant/y.JPEG", Picture(8));

        var set = Read();

        Assert.False(set.Grouped);
        Assert.Equal(["ant", "cat"], set.Classes.Select(c => c.Name));
        Assert.Equal([0, 1], set.Classes.Select(c => c.Label));
        Assert.All(set.Classes, c => Assert.Null(c.Group));
        Assert.Equal([1, 2], new[] { set.Classes[1].Image(0)[0], set.Classes[1].Image(1)[0] });
        Assert.Equal(16, set.Classes[0].ImageSize);
    }

    [Fact]
    public void Read_ZipOfAFolderWithGroups_LooksThroughTheTopFolderAndNamesClassesByGroup()
    {
        var zip = Zip("omniglot.zip",
            ("small/Greek/alpha/1.png", Picture(1)), ("small/Greek/alpha/2.png", Picture(2)),
            ("small/Greek/beta/1.png", Picture(3)), ("small/Greek/beta/2.png", Picture(4)),
            ("small/Latin/a/1.png", Picture(5)), ("small/Latin/a/2.png", Picture(6)));

        var set = Read(zip);

        Assert.True(set.Grouped);
        Assert.Equal(["Greek/alpha", "Greek/beta", "Latin/a"], set.Classes.Select(c => c.Name));
        Assert.Equal(["Greek", "Greek", "Latin"], set.Classes.Select(c => c.Group));
        Assert.Equal(6, set.ImageCount);
        Assert.Equal(6, set.Classes[2].Image(1)[5]);
    }

    [Fact]
    public void Read_ClassWithOnePictureAndOtherFiles_LeftOutNamedAndCounted()
    {
        Write("set/a/1.png", Picture(1));
        Write("set/a/2.png", Picture(1));
        Write("set/b/1.png", Picture(1));
        Write("set/c/1.png", Picture(1));
        Write("set/c/2.png", Picture(1));
        Write("set/c/notes.txt", Encoding.UTF8.GetBytes("drawn by me"));
        Write("set/c/.hidden.png", [0]);
        Write("set/.git/config.png", [0]);

        var set = Read();

        Assert.Equal(["a", "c"], set.Classes.Select(c => c.Name));
        Assert.Equal(["b"], set.SingleImageClasses);
        Assert.Equal(1, set.IgnoredFiles);
    }

    /// <summary>A gallery takes one picture per class: the same layout read with any preparer and a minimum of one.</summary>
    [Fact]
    public void Read_GalleryWithAPreparerAndOnePicturePerClass_KeepsEveryClass()
    {
        Write("set/a/1.png", Picture(1));
        Write("set/a/2.png", Picture(2));
        Write("set/b/1.png", Picture(3));

        var set = ImageFolderReader.Read(Path.Combine(_root, "set"), 1, (bytes, name) => [bytes[2]], minimumPerClass: 1, CancellationToken.None);

        Assert.Equal(["a", "b"], set.Classes.Select(c => c.Name));
        Assert.Equal([2, 1], set.Classes.Select(c => c.Count));
        Assert.Empty(set.SingleImageClasses);
        Assert.Equal(3, set.Classes[1].Image(0)[0]);
    }

    [Fact]
    public void Read_PicturesAtDifferentDepths_RefusedNamingOne()
    {
        Write("set/a/1.png", Picture(1));
        Write("set/a/2.png", Picture(1));
        Write("set/g/b/1.png", Picture(1));

        var e = Assert.Throws<DataFormatException>(() => Read());

        Assert.Contains("different depths", e.Message);
        Assert.Contains("<class>/<picture> or <group>/<class>/<picture>", e.Message);
    }

    [Fact]
    public void Read_CorruptPictureInAFolder_RefusedNamingTheFile()
    {
        Write("set/a/1.png", Picture(1));
        Write("set/a/2.png", Picture(1));
        Write("set/b/1.png", Picture(1));
        Write("set/b/broken.png", [4, 4, 1, 2]);

        var e = Assert.Throws<DataFormatException>(() => Read());

        Assert.Equal(Path.Combine(_root, "set", "b", "broken.png"), e.FilePath);
    }

    [Fact]
    public void Read_CorruptPictureInAZip_RefusedNamingTheArchiveAndTheEntry()
    {
        var zip = Zip("set.zip", ("a/1.png", Picture(1)), ("a/2.png", Picture(1)), ("b/1.png", Picture(1)), ("b/2.png", [9]));

        var e = Assert.Throws<DataFormatException>(() => Read(zip));

        Assert.Equal($"{zip}:b/2.png", e.FilePath);
    }

    [Fact]
    public void Read_NotAZip_RefusedNamingIt()
    {
        var path = Path.Combine(_root, "set.zip");
        File.WriteAllText(path, "not a zip");

        var e = Assert.Throws<DataFormatException>(() => Read(path));

        Assert.Equal(path, e.FilePath);
        Assert.Contains("not a readable zip", e.Message);
    }

    [Fact]
    public void Read_EmptyFolderOrOnlySingles_RefusedSayingWhy()
    {
        Directory.CreateDirectory(Path.Combine(_root, "set"));
        Assert.Contains("holds no PNG or JPEG pictures", Assert.Throws<DataFormatException>(() => Read()).Message);

        Write("set/a/1.png", Picture(1));
        Assert.Contains("no class with two pictures", Assert.Throws<DataFormatException>(() => Read()).Message);
    }

    [Fact]
    public void Read_ZipBombEntry_RefusedFromItsDeclaredSizeBeforeItIsInflated()
    {
        var path = Path.Combine(_root, "bomb.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            foreach (var name in new[] { "a/1.png", "a/2.png" })
            {
                using var stream = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                var zeros = new byte[1 << 20];
                for (int i = 0; i < 80; i++)
                {
                    stream.Write(zeros);
                }
            }
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(() => Read(path));

        Assert.Contains("picture files of at most 64 MiB are read", e.Message);
        Assert.True(new FileInfo(path).Length < 1 << 20, "the archive itself is small");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "refused without inflating the entry");
    }

    [Fact]
    public void Read_ZipEntryDeclaringLessThanItHolds_ReadOnlyAsFarAsDeclaredAndRefusedNamingIt()
    {
        var path = Zip("liar.zip", ("a/1.png", Picture(1)), ("a/2.png", Picture(2)));
        var bytes = File.ReadAllBytes(path);
        // Each central directory record (signature 50 4B 01 02) has the uncompressed size at offset 24: claim 5 bytes.
        for (int i = 0; i + 4 < bytes.Length; i++)
        {
            if (bytes[i] == 0x50 && bytes[i + 1] == 0x4B && bytes[i + 2] == 0x01 && bytes[i + 3] == 0x02)
            {
                BitConverter.GetBytes(5).CopyTo(bytes, i + 24);
            }
        }

        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<DataFormatException>(() => Read(path));

        Assert.StartsWith($"{path}:a/", e.FilePath);
        Assert.Contains("is not a picture", e.Message);   // .NET inflates no more than the entry declares: the cut picture is refused
    }

    [Fact]
    public void Check_MorePixelsThanMemoryAllows_RefusedWithWhatTheyWouldCost()
    {
        var e = Assert.Throws<DataFormatException>(() => ImageSetLimits.Check("set", 964, 1_000_000, 105));

        Assert.Contains("need 10,514 MiB in memory, more than the 2 GiB allowed", e.Message);
        Assert.Contains("Data:ImageSide", e.Message);
    }
}
