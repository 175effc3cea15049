using System.Globalization;
using System.Text.Json;
using Siamese.Host.Imaging;
using Siamese.Host.Tests.Evaluation;

namespace Siamese.Host.Tests.Commands;

/// <summary>
/// <c>identify</c>, run as the real program with a tiny contrastive model trained here: a query that copies a gallery
/// picture is known (its similarity is 1), a shape the gallery lacks is unknown at a threshold between.
/// </summary>
public sealed class IdentifyCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static void AssertExit(int expected, HostProcess.Result result) =>
        Assert.True(result.ExitCode == expected, $"exit {result.ExitCode}, expected {expected}:\n{result.Output}");

    private static void WritePicture(string home, string relative, int shape)
    {
        var path = Path.Combine(home, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, HandMadeRuns.Shape(shape));
    }

    /// <summary>A gallery of three shapes (the bar with two pictures) and two queries: a ring, and a triangle the gallery lacks.</summary>
    private static void WriteGalleryAndQueries(string home)
    {
        WritePicture(home, "gallery/bar/1.png", 0);
        WritePicture(home, "gallery/bar/2.png", 1);
        WritePicture(home, "gallery/ring/1.png", 2);
        WritePicture(home, "gallery/cross/1.png", 3);
        WritePicture(home, "queries/a-ring.png", 2);
        WritePicture(home, "queries/b-triangle.png", 5);
    }

    /// <summary>The triangle's best similarity to the gallery, with the pictures prepared as the verb prepares them.</summary>
    private static float StrangerBest(string model)
    {
        using var scoring = SiameseModel.Load(model);
        var pictures = new ModelPicture(scoring.Options, invertDigits: false);
        var triangle = pictures.Prepare(HandMadeRuns.Shape(5), "triangle");
        return new[] { 0, 1, 2, 3 }.Max(s => scoring.Similarity(triangle, pictures.Prepare(HandMadeRuns.Shape(s), "shape")));
    }

    [Fact]
    public void Identify_UnseenGallery_KnownQueryNamedAndStrangerUnknownAtTheCalibratedThreshold()
    {
        using var host = new HostProcess();
        var model = Path.Combine(host.Home, "runs", "tiny");
        TestFiles.WriteTinyModel(model, options: HandMadeRuns.Model);
        WriteGalleryAndQueries(host.Home);
        float stranger = StrangerBest(model);
        Assert.True(stranger < 0.999f, $"the triangle is {stranger} like a gallery picture");
        double threshold = Math.Round((stranger + 1) / 2, 6);
        File.WriteAllText(Path.Combine(model, EvaluateCommand.ReportName), JsonSerializer.Serialize(new { Model = ModelFile.Resolve(model).Describe(), Calibrated = new { Threshold = threshold } }));

        var result = host.Run(Timeout, "identify", "--model", "runs/tiny", "--gallery", "gallery", "queries", "--output", "out");

        AssertExit(0, result);
        Assert.Contains($"Threshold {threshold.ToString("R", CultureInfo.InvariantCulture)} from the calibrated threshold in", result.Output);
        Assert.Contains("Gallery: 4 pictures of 3 classes", result.Output);
        Assert.Matches(@"a-ring\.png: ring 1\.000; runner-up (bar|cross) 0\.\d{3}", result.Output);
        Assert.Matches(@"b-triangle\.png: unknown \(best (bar|ring|cross) 0\.\d{3}, not above", result.Output);
        Assert.Contains("Identified 2 queries: 1 known, 1 unknown", result.Output);
        var csv = File.ReadAllLines(Path.Combine(host.Home, "out", IdentifyCommand.CsvName));
        Assert.Equal("query,class,similarity,runner_up,runner_up_similarity,unknown", csv[0]);
        Assert.EndsWith("false", csv[1]);
        Assert.EndsWith("true", csv[2]);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(host.Home, "out", IdentifyCommand.JsonName)));
        var results = report.RootElement.GetProperty("Results");
        Assert.Equal("ring", results[0].GetProperty("Class").GetString());
        Assert.False(results[0].GetProperty("IsUnknown").GetBoolean());
        Assert.True(results[1].GetProperty("IsUnknown").GetBoolean());
        Assert.Equal(threshold, report.RootElement.GetProperty("Threshold").GetDouble());

        var lenient = host.Run(Timeout, "identify", "--model", "runs/tiny", "--gallery", "gallery", "queries/b-triangle.png", "--threshold", "0", "--output", "lenient");

        AssertExit(0, lenient);
        Assert.Contains("Identified 1 queries: 1 known, 0 unknown", lenient.Output);
    }

    [Fact]
    public void Identify_BadInputs_ExitTwoWithOneLine()
    {
        using var host = new HostProcess();
        TestFiles.WriteTinyModel(Path.Combine(host.Home, "runs", "tiny"), options: HandMadeRuns.Model);
        WriteGalleryAndQueries(host.Home);
        File.WriteAllText(Path.Combine(host.Home, "queries", "c-broken.png"), "not a picture");

        foreach (var (args, mentions) in new[]
        {
            (new[] { "--gallery", "missing", "queries/a-ring.png" }, "missing: is neither a folder nor a .zip file"),
            (["--gallery", "gallery", "queries"], "Image " + Path.Combine(host.Home, "queries", "c-broken.png") + " is not a PNG or JPEG picture"),
        })
        {
            var result = host.Run(Timeout, ["identify", "--model", "runs/tiny", .. args]);

            AssertExit(ExitCode.BadInput, result);
            var line = Assert.Single(result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            Assert.Contains(mentions, line);
        }
    }
}
