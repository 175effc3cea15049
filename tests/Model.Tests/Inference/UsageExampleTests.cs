namespace Siamese.Model.Tests;

/// <summary>
/// The C# API example of docs/model-formats.md, compiled and run as it is printed there; a second test proves the
/// printed block and this copy are the same lines, so neither can change alone.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class UsageExampleTests
{
    private const string DocPath = "docs/model-formats.md";
    private const string ThisFile = "tests/Model.Tests/Inference/UsageExampleTests.cs";

    [Fact]
    public void UsageExample_TrainedRunFolder_ScoresPairsAndEmbedsImages()
    {
        using var run = TrainedRun.Create(TrainedRun.Small(TowerKind.Mlp, SimilarityKind.Sigmoid), steps: 2);
        byte[] lefts = TrainedRun.RandomPixels(5, seed: 51);
        byte[] rights = TrainedRun.RandomPixels(5, seed: 52);

        var (same, sameDigit, similarities, embeddings) = UsageExample(run.Folder, lefts[..784], rights[..784], lefts, rights);

        Assert.InRange(same, 0f, 1f);
        Assert.Equal(same > 0.5f, sameDigit);
        Assert.Equal(5, similarities.Length);
        Assert.Equal(same, similarities[0], 1e-6f);
        Assert.Equal([5, 16], new[] { embeddings.GetLength(0), embeddings.GetLength(1) });
    }

    [Fact]
    public void UsageExample_PrintedInTheDocs_IsTheCodeThisTestRuns()
    {
        string root = RepositoryRoot();
        string[] printed = CSharpBlock(File.ReadAllLines(Path.Combine(root, DocPath)));
        string[] source = File.ReadAllLines(Path.Combine(root, ThisFile)).Select(line => line.Trim()).ToArray();

        int start = Array.IndexOf(source, printed[0]);

        Assert.True(start >= 0, $"The first line of {DocPath}'s C# example is not in {ThisFile}: {printed[0]}");
        Assert.Equal(printed, source.Skip(start).Take(printed.Length));
    }

    private static (float Same, bool SameDigit, float[] Similarities, float[,] Embeddings) UsageExample(string runFolder, byte[] a, byte[] b, byte[] lefts, byte[] rights)
    {
        // a, b: one 28×28 image each, raw pixels 0–255, row-major; lefts, rights: N such images one after another.
        using var model = SiameseModel.Load(runFolder);          // a run folder, a model.bin or a checkpoint.bin
        float same = model.Similarity(a, b);                      // in [0, 1]; the model's own Rescale is applied
        bool sameDigit = same > 0.5f;                             // or the threshold the evaluation calibrated
        float[] similarities = model.Similarities(lefts, rights); // one per pair (lefts[i], rights[i])
        float[,] embeddings = model.Embed(lefts);                 // [N, model.EmbeddingSize]
        return (same, sameDigit, similarities, embeddings);
    }

    /// <summary>The lines of the page's one ```csharp block, trimmed.</summary>
    private static string[] CSharpBlock(string[] lines)
    {
        int open = Array.FindIndex(lines, line => line.Trim() == "```csharp");
        Assert.True(open >= 0, $"{DocPath} has no ```csharp block");
        int close = Array.FindIndex(lines, open + 1, line => line.Trim() == "```");
        return lines[(open + 1)..close].Select(line => line.Trim()).ToArray();
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
