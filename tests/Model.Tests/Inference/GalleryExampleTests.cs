namespace Siamese.Model.Tests;

/// <summary>
/// The <see cref="Gallery"/> example of docs/model-formats.md, compiled and run as it is printed there; a second test
/// proves the printed block and this copy are the same lines, so neither can change alone.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class GalleryExampleTests
{
    private const string DocPath = "docs/model-formats.md";
    private const string ThisFile = "tests/Model.Tests/Inference/GalleryExampleTests.cs";

    [Fact]
    public void GalleryExample_CopyOfAKnownPicture_IsNamedAndAStrangerCanBeUnknown()
    {
        using var run = TrainedRun.Create(TrainedRun.Small(TowerKind.Mlp, SimilarityKind.Contrastive), steps: 2);
        byte[] pictures = TrainedRun.RandomPixels(5, seed: 61);
        var known = new List<(string Label, byte[] Pictures)>
        {
            ("ka", pictures[..(2 * 784)]),
            ("ga", pictures[(2 * 784)..(3 * 784)]),
            ("nga", pictures[(3 * 784)..]),
        };

        var (answer, said) = GalleryExample(run.Folder, known, pictures[(3 * 784)..(4 * 784)]);

        Assert.Equal("nga", said);
        Assert.Equal("nga", answer.Class);
        Assert.NotNull(answer.RunnerUp);
    }

    [Fact]
    public void GalleryExample_PrintedInTheDocs_IsTheCodeThisTestRuns()
    {
        string root = RepositoryRoot();
        string[] printed = GalleryBlock(File.ReadAllLines(Path.Combine(root, DocPath)));
        string[] source = File.ReadAllLines(Path.Combine(root, ThisFile)).Select(line => line.Trim()).ToArray();

        int start = Array.IndexOf(source, printed[0]);

        Assert.True(start >= 0, $"The first line of {DocPath}'s Gallery example is not in {ThisFile}: {printed[0]}");
        Assert.Equal(printed, source.Skip(start).Take(printed.Length));
    }

    private static (Identification Answer, string Said) GalleryExample(string runFolder, IEnumerable<(string Label, byte[] Pictures)> known, byte[] query)
    {
        // known: each new class's pictures (one or more, InputSize bytes each, prepared as the training pictures were).
        using var model = SiameseModel.Load(runFolder);
        var gallery = new Gallery(model, threshold: 0.5);          // or the threshold evaluate calibrated
        foreach (var (label, pictures) in known)
        {
            gallery.Enrol(label, pictures);                        // each picture embedded once
        }

        Identification answer = gallery.Identify(query);           // best class, its similarity, the runner-up
        string said = answer.IsUnknown ? "unknown" : answer.Class;  // unknown unless above the threshold
        return (answer, said);
    }

    /// <summary>The lines, trimmed, of the page's ```csharp block that makes a Gallery.</summary>
    private static string[] GalleryBlock(string[] lines)
    {
        for (int open = 0; open < lines.Length; open++)
        {
            if (lines[open].Trim() != "```csharp")
            {
                continue;
            }

            int close = Array.FindIndex(lines, open + 1, line => line.Trim() == "```");
            var block = lines[(open + 1)..close].Select(line => line.Trim()).ToArray();
            if (block.Any(line => line.Contains("new Gallery(", StringComparison.Ordinal)))
            {
                return block;
            }
        }

        Assert.Fail($"{DocPath} has no ```csharp block that makes a Gallery");
        return [];
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
}
