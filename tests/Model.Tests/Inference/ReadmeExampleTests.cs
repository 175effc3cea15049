namespace Siamese.Model.Tests;

/// <summary>The README's example of the C# API, compiled and run as it is printed there.</summary>
[Collection(TorchCollection.Name)]
public sealed class ReadmeExampleTests
{
    [Fact]
    public void ReadmeExample_TrainedRunFolder_ScoresPairsAndEmbedsImages()
    {
        using var run = TrainedRun.Create(TrainedRun.Small(ModelOptions.MlpTower, ModelOptions.SigmoidSimilarity), steps: 2);
        byte[] lefts = TrainedRun.RandomPixels(5, seed: 51);
        byte[] rights = TrainedRun.RandomPixels(5, seed: 52);

        var (same, sameDigit, similarities, embeddings) = ReadmeExample(run.Folder, lefts[..784], rights[..784], lefts, rights);

        Assert.InRange(same, 0f, 1f);
        Assert.Equal(same > 0.5f, sameDigit);
        Assert.Equal(5, similarities.Length);
        Assert.Equal(same, similarities[0], 1e-6f);
        Assert.Equal([5, 16], new[] { embeddings.GetLength(0), embeddings.GetLength(1) });
    }

    private static (float Same, bool SameDigit, float[] Similarities, float[,] Embeddings) ReadmeExample(string runFolder, byte[] a, byte[] b, byte[] lefts, byte[] rights)
    {
        // a, b: one 28×28 image each, raw pixels 0–255, row-major; lefts, rights: N such images one after another.
        using var model = SiameseModel.Load(runFolder);          // a run folder, a model.bin or a checkpoint.bin
        float same = model.Similarity(a, b);                      // in [0, 1]; the model's own Rescale is applied
        bool sameDigit = same > 0.5f;                             // or the threshold the evaluation calibrated
        float[] similarities = model.Similarities(lefts, rights); // one per pair (lefts[i], rights[i])
        float[,] embeddings = model.Embed(lefts);                 // [N, model.EmbeddingSize]
        return (same, sameDigit, similarities, embeddings);
    }
}
