using System.IO.Compression;
using System.Text;
using Siamese.Pipeline.Data;

namespace Siamese.Pipeline.Tests.Data;

/// <summary>
/// One-shot runs in all_runs.zip's format, in folders and zips, read with a stand-in preparer (a picture here is any
/// bytes; it becomes two bytes: its first byte and its length): the layout, the answer key, and every kind of bad run.
/// </summary>
public sealed class OneShotRunsReaderTests : IDisposable
{
    private const int Size = 2;

    private static readonly PicturePreparer Prepare = (bytes, name) =>
        bytes.Length == 0 ? throw new DataFormatException(name, "is not a picture") : [bytes[0], (byte)bytes.Length];

    private readonly string _root = Directory.CreateTempSubdirectory("one-shot-runs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static OneShotRunSet Read(string path) => OneShotRunsReader.Read(path, Prepare, Size, CancellationToken.None);

    private void Write(string relative, string text) => Write(relative, Encoding.UTF8.GetBytes(text));

    private void Write(string relative, byte[] bytes)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>A run of three classes (pictures 10, 20, 30) and three items (11, 21, 31), item i of class i, its key's lines in the given order.</summary>
    private void WriteRun(string folder, string run, params int[] lineOrder)
    {
        for (int c = 1; c <= 3; c++)
        {
            Write($"{folder}/{run}/training/class{c:D2}.png", [(byte)(10 * c)]);
            Write($"{folder}/{run}/test/item{c:D2}.png", [(byte)((10 * c) + 1)]);
        }

        var order = lineOrder.Length > 0 ? lineOrder : [1, 2, 3];
        Write($"{folder}/{run}/class_labels.txt", string.Join('\n', order.Select(i => $"{run}/test/item{i:D2}.png {run}/training/class{i:D2}.png")) + "\n");
    }

    private string Labels(string folder, string run) => Path.Combine(_root, folder, run, OneShotRunsReader.LabelsName);

    [Fact]
    public void Read_Folder_RunsInOrderWithClassesItemsAndTheirAnswers()
    {
        WriteRun("all", "run02", 3, 1, 2);
        WriteRun("all", "run01");

        var set = Read(Path.Combine(_root, "all"));

        Assert.Equal(["run01", "run02"], set.Runs.Select(r => r.Name));
        Assert.Equal(6, set.Trials);
        var second = set.Runs[1];
        Assert.Equal(["run02/training/class01.png", "run02/training/class02.png", "run02/training/class03.png"], second.Classes);
        Assert.Equal(["run02/test/item03.png", "run02/test/item01.png", "run02/test/item02.png"], second.Items);
        Assert.Equal([2, 0, 1], second.Answers);
        Assert.Equal([31, 1], second.ItemImage(0).ToArray());
        Assert.Equal([10, 1], second.ClassImage(0).ToArray());
    }

    /// <summary>The repository's copy of the 20 official runs reads as their README describes them.</summary>
    [Fact]
    public void Read_OfficialAllRunsZip_TwentyRunsOfTwentyItemsWithTheirKey()
    {
        var path = Path.Combine(RepositoryRoot(), "datasets", "omniglot", "all_runs.zip");

        var set = Read(path);

        Assert.Equal(Enumerable.Range(1, 20).Select(r => $"run{r:D2}"), set.Runs.Select(r => r.Name));
        Assert.Equal(400, set.Trials);
        Assert.All(set.Runs, r => Assert.Equal((20, 20), (r.Classes.Count, r.Items.Count)));
        Assert.All(set.Runs, r => Assert.Equal(Enumerable.Range(0, 20), r.Answers.Order()));
        var first = set.Runs[0];
        Assert.Equal(("run01/test/item01.png", "run01/training/class08.png"), (first.Items[0], first.Classes[first.Answers[0]]));
        Assert.Equal(("run01/test/item20.png", "run01/training/class16.png"), (first.Items[19], first.Classes[first.Answers[19]]));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Siamese.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Siamese.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void Read_ZipOfRunsZipOfTheirFolderAndOneRunFolder_ReadAlike()
    {
        WriteRun("all", "run01");
        WriteRun("all", "run02");
        var flat = Path.Combine(_root, "flat.zip");
        var nested = Path.Combine(_root, "nested.zip");
        ZipFile.CreateFromDirectory(Path.Combine(_root, "all"), flat);
        ZipFile.CreateFromDirectory(Path.Combine(_root, "all"), nested, CompressionLevel.Fastest, includeBaseDirectory: true);

        var folder = Read(Path.Combine(_root, "all"));
        foreach (var zip in new[] { flat, nested })
        {
            var set = Read(zip);
            Assert.Equal(folder.Runs.Select(r => (r.Name, string.Join(' ', r.Items), string.Join(' ', r.Answers))), set.Runs.Select(r => (r.Name, string.Join(' ', r.Items), string.Join(' ', r.Answers))));
            Assert.Equal(folder.Runs.SelectMany(r => r.ItemPixels), set.Runs.SelectMany(r => r.ItemPixels));
        }

        var one = Read(Path.Combine(_root, "all", "run02"));
        Assert.Equal("run02", Assert.Single(one.Runs).Name);
    }

    [Fact]
    public void Read_PathsRelativeToTheRunAndWindowsSeparators_Accepted()
    {
        WriteRun("all", "run01");
        Write("all/run01/class_labels.txt", "test/item01.png training/class01.png\r\nrun01\\test\\item02.png run01\\training\\class02.png\r\n  run01/test/item03.png\t run01/training/class03.png  \r\n\r\n");

        var run = Assert.Single(Read(Path.Combine(_root, "all")).Runs);

        Assert.Equal([0, 1, 2], run.Answers);
    }

    [Fact]
    public void Read_RunWithoutClassLabels_NamesTheRunFolder()
    {
        WriteRun("all", "run01");
        WriteRun("all", "run02");
        File.Delete(Labels("all", "run02"));

        var e = Assert.Throws<DataFormatException>(() => Read(Path.Combine(_root, "all")));

        Assert.Equal(Path.Combine(_root, "all", "run02"), e.FilePath);
        Assert.Contains("class_labels.txt", e.Message);
    }

    [Fact]
    public void Read_ZippedRunWithoutClassLabels_NamesTheEntry()
    {
        var zip = Path.Combine(_root, "runs.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            archive.CreateEntry("run01/training/class01.png").Open().Dispose();
            archive.CreateEntry("run01/test/item01.png").Open().Dispose();
        }

        var e = Assert.Throws<DataFormatException>(() => Read(zip));

        Assert.Equal($"{zip}:run01/", e.FilePath);
    }

    [Theory]
    [InlineData("run01/test/item01.png run01/training/class01.png\nrun01/test/item09.png run01/training/class02.png\n", "line 2 names run01/test/item09.png, which is not a picture of run01/test/")]
    [InlineData("run01/test/item01.png run01/training/class07.png\n", "line 1 names run01/training/class07.png, which is not a picture of run01/training/")]
    [InlineData("run01/test/item01.png\n", "line 1 ('run01/test/item01.png') is not '<test picture> <training picture>'")]
    [InlineData("run01/test/item01.png run01/training/class01.png extra\n", "line 1 ('run01/test/item01.png run01/training/class01.png extra') is not")]
    [InlineData("run01/test/item01.png run01/training/class01.png\nrun01/test/item01.png run01/training/class02.png\n", "line 2 answers run01/test/item01.png again (line 1 did)")]
    [InlineData("run02/test/item01.png run02/training/class01.png\n", "line 1 names run02/test/item01.png, a picture of another run than run01")]
    [InlineData("run01/training/class01.png run01/test/item01.png\n", "line 1 names run01/training/class01.png; expected a picture in run01/test/")]
    [InlineData("run01/test/item01.png run01/training/class01.png\nrun01/test/item02.png run01/training/class02.png\n", "gives no answer for run01/test/item03.png")]
    [InlineData("\n\n", "gives no answer for run01/test/item01.png and 2 more test pictures")]
    public void Read_BadClassLabels_NamesTheFileAndTheLine(string labels, string problem)
    {
        WriteRun("all", "run01");
        Write("all/run01/class_labels.txt", labels);

        var e = Assert.Throws<DataFormatException>(() => Read(Path.Combine(_root, "all")));

        Assert.Equal(Labels("all", "run01"), e.FilePath);
        Assert.Contains(problem, e.Problem);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Read_ClassLabelsNotUtf8_Refused()
    {
        WriteRun("all", "run01");
        Write("all/run01/class_labels.txt", [0xff, 0xfe, 0x00, 0xc3]);

        var e = Assert.Throws<DataFormatException>(() => Read(Path.Combine(_root, "all")));

        Assert.Contains("is not UTF-8 text", e.Message);
    }

    [Fact]
    public void Read_UnpreparablePicture_NamesIt()
    {
        WriteRun("all", "run01");
        Write("all/run01/test/item02.png", []);

        var e = Assert.Throws<DataFormatException>(() => Read(Path.Combine(_root, "all")));

        Assert.Equal(Path.Combine(_root, "all", "run01", "test", "item02.png"), e.FilePath);
    }

    [Fact]
    public void Read_NoRunsOrNotARunSet_Refused()
    {
        Directory.CreateDirectory(Path.Combine(_root, "empty"));
        Write("not-a-zip.txt", "hello");

        Assert.Contains("holds no run folders", Assert.Throws<DataFormatException>(() => Read(Path.Combine(_root, "empty"))).Message);
        Assert.Contains("does not exist", Assert.Throws<DataFormatException>(() => Read(Path.Combine(_root, "missing.zip"))).Message);
        Assert.Contains("is neither a folder nor a .zip", Assert.Throws<DataFormatException>(() => Read(Path.Combine(_root, "not-a-zip.txt"))).Message);
        Write("broken.zip", "PK not really");
        Assert.Contains("is not a readable zip file", Assert.Throws<DataFormatException>(() => Read(Path.Combine(_root, "broken.zip"))).Message);
    }

    /// <summary>A class_labels.txt that unpacks to 64 MiB from a few kilobytes is refused from its declared size, before it is read.</summary>
    [Fact]
    public void Read_ZipBombClassLabels_RefusedBeforeReading()
    {
        var zip = Path.Combine(_root, "bomb.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            using (var picture = archive.CreateEntry("run01/training/class01.png").Open())
            {
                picture.WriteByte(1);
            }

            using (var item = archive.CreateEntry("run01/test/item01.png").Open())
            {
                item.WriteByte(2);
            }

            using var labels = archive.CreateEntry("run01/class_labels.txt", CompressionLevel.SmallestSize).Open();
            var spaces = new byte[1 << 20];
            Array.Fill(spaces, (byte)' ');
            for (int i = 0; i < 64; i++)
            {
                labels.Write(spaces);
            }
        }

        Assert.True(new FileInfo(zip).Length < 1 << 20);
        var e = Assert.Throws<DataFormatException>(() => Read(zip));

        Assert.Equal($"{zip}:run01/class_labels.txt", e.FilePath);
        Assert.Contains("at most 1,048,576 are read", e.Problem);
    }

    [Fact]
    public void Read_TooManyRuns_RefusedBeforeAnyPictureIsRead()
    {
        var zip = Path.Combine(_root, "many.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            for (int r = 0; r <= OneShotRunsReader.MaxRuns; r++)
            {
                archive.CreateEntry($"run{r:D4}/class_labels.txt").Open().Dispose();
            }
        }

        var e = Assert.Throws<DataFormatException>(() => Read(zip));

        Assert.Contains($"holds {OneShotRunsReader.MaxRuns + 1:N0} run folders", e.Problem);
    }
}
