using Siamese.Host.Tests.Commands;
using Siamese.Pipeline.Data;
using SkiaSharp;

namespace Siamese.Host.Tests.Evaluation;

/// <summary>The runs scorer on <see cref="HandMadeRuns"/>, whose errors are known exactly, with a small model trained here.</summary>
public sealed class OneShotRunsScorerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("siamese-runs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Model()
    {
        var folder = Path.Combine(_root, "model");
        TestFiles.WriteTinyModel(folder, options: HandMadeRuns.Model);
        return folder;
    }

    /// <summary>The premise of the known answer: within a run, no two class pictures look identical to the model.</summary>
    private static void AssertClassesTellApart(SiameseModel model, OneShotRunSet runs)
    {
        foreach (var run in runs.Runs)
        {
            for (int a = 0; a < run.Classes.Count; a++)
            {
                Assert.Equal(1f, model.Similarity(run.ClassImage(a), run.ClassImage(a)), 1e-5f);
                for (int b = a + 1; b < run.Classes.Count; b++)
                {
                    Assert.True(model.Similarity(run.ClassImage(a), run.ClassImage(b)) < 0.999f, $"{run.Classes[a]} and {run.Classes[b]} look the same to the model");
                }
            }
        }
    }

    [Fact]
    public void Score_HandMadeRuns_EachRunsErrorAndTheMeanAreTheKnownOnes()
    {
        var folder = Model();
        var runs = OneShotRunsScorer.Read(HandMadeRuns.WriteZip(_root), ModelFile.Resolve(folder).Options, CancellationToken.None);
        using var model = SiameseModel.Load(folder);
        AssertClassesTellApart(model, runs);

        var report = OneShotRunsScorer.Score(model, runs, "tiny", CancellationToken.None);

        Assert.Equal(["run01", "run02"], report.PerRun.Select(r => r.Run));
        Assert.Equal(HandMadeRuns.Predictions, report.PerRun.Select(r => r.Predictions.ToArray()));
        Assert.Equal(HandMadeRuns.RunErrors, report.PerRun.Select(r => r.Error));
        Assert.Equal(HandMadeRuns.MeanError, report.MeanError, 12);
        Assert.Equal((2, 6, 1), (report.RunCount, report.Trials, report.Wrong));
        Assert.Equal(["run01/test/item01.png", "run01/test/item02.png", "run01/test/item03.png"], report.PerRun[0].Items);
        Assert.Equal(["run01/training/class01.png", "run01/training/class01.png", "run01/training/class02.png"], report.PerRun[0].Answers);
        Assert.Equal(["run02/test/item03.png", "run02/test/item01.png", "run02/test/item02.png"], report.PerRun[1].Items);
        Assert.All(report.PerRun.SelectMany(r => r.Similarities), s => Assert.Equal(1f, s, 1e-5f));
    }

    [Fact]
    public void Read_FolderZipAndOneRunFolder_ReadTheSameRuns()
    {
        var options = HandMadeRuns.Model;
        var folder = HandMadeRuns.WriteFolder(Path.Combine(_root, "plain"));
        var zip = HandMadeRuns.WriteZip(_root);

        var fromFolder = OneShotRunsScorer.Read(folder, options, CancellationToken.None);
        var fromZip = OneShotRunsScorer.Read(zip, options, CancellationToken.None);
        var oneRun = OneShotRunsScorer.Read(Path.Combine(folder, "run02"), options, CancellationToken.None);

        foreach (var (a, b) in fromFolder.Runs.Zip(fromZip.Runs))
        {
            Assert.Equal(a.Name, b.Name);
            Assert.Equal(a.Classes, b.Classes);
            Assert.Equal(a.Items, b.Items);
            Assert.Equal(a.Answers, b.Answers);
            Assert.Equal(a.ClassPixels, b.ClassPixels);
            Assert.Equal(a.ItemPixels, b.ItemPixels);
        }

        var single = Assert.Single(oneRun.Runs);
        Assert.Equal(fromFolder.Runs[1].Items, single.Items);
        Assert.Equal(fromFolder.Runs[1].ItemPixels, single.ItemPixels);
        Assert.Equal(28 * 28, single.ImageSize);
    }

    [Fact]
    public void Write_HandMadeRuns_JsonAndAPictureOfTheWrongItemFramedRedAndItsAnswerGreen()
    {
        var folder = Model();
        var runs = OneShotRunsScorer.Read(HandMadeRuns.WriteFolder(Path.Combine(_root, "runs")), HandMadeRuns.Model, CancellationToken.None);
        using var model = SiameseModel.Load(folder);
        var report = OneShotRunsScorer.Score(model, runs, "tiny", CancellationToken.None);
        var json = Path.Combine(_root, "out", OneShotRunsScorer.ReportName);
        var png = Path.Combine(_root, "out", OneShotRunsScorer.PictureName);
        Directory.CreateDirectory(Path.GetDirectoryName(json)!);

        OneShotRunsScorer.Write(report, runs, json, png);

        using var written = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        var root = written.RootElement;
        Assert.Equal(HandMadeRuns.MeanError, root.GetProperty("MeanError").GetDouble(), 12);
        Assert.Equal(3, root.GetProperty("PerRun")[0].GetProperty("Predictions").GetArrayLength());
        Assert.Equal(OneShotRunsScorer.Published.Count, root.GetProperty("Published").GetArrayLength());
        Assert.Equal(OneShotRunPicture.Size(3), TestFiles.PngSize(png));
        Assert.True(TestFiles.ColumnsWithColour(png, new SKColor(255, 0, 0)) > 20, "the wrong choice is framed red");
        Assert.True(TestFiles.ColumnsWithColour(png, new SKColor(0, 128, 0)) > 20, "the answer is framed green");
    }

    [Fact]
    public void Read_CorruptPicture_RefusedNamingIt()
    {
        var folder = HandMadeRuns.WriteFolder(Path.Combine(_root, "runs"));
        var bad = Path.Combine(folder, "run01", "training", "class02.png");
        File.WriteAllBytes(bad, [0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);

        var e = Assert.Throws<DataFormatException>(() => OneShotRunsScorer.Read(folder, HandMadeRuns.Model, CancellationToken.None));

        Assert.Equal(bad, e.FilePath);
        Assert.Equal(ExitCode.BadInput, ExitCode.For(e));
    }
}
