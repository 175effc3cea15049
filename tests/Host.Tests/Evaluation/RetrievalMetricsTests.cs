using Siamese.Pipeline.Data;

namespace Siamese.Host.Tests.Evaluation;

/// <summary>
/// Precision@1 and MAP@R on hand-made embeddings, ranked by a contrastive model (the Euclidean distance), where the
/// answer is known exactly.
/// </summary>
public sealed class RetrievalMetricsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("retrieval-").FullName;
    private readonly SiameseModel _model;

    public RetrievalMetricsTests()
    {
        var options = new ModelOptions { HiddenSizes = [2], Similarity = SimilarityKind.Contrastive };
        using (var trainer = new SiameseTrainer(options, new TrainerSettings { Seed = 1 }, maxBatch: 1))
        {
            trainer.SaveWeights(Path.Combine(_folder, ModelFile.WeightsName));
        }

        ModelFile.WriteOptions(_folder, options);
        _model = SiameseModel.Load(_folder);
    }

    public void Dispose()
    {
        _model.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>
    /// Points on a line: 0 (digit 0), 1 (0), 2 (1), 3 (1), 4 (0), 10 (2, a class of one). Per query, nearest first,
    /// equal distances in set order:
    /// q0 → 1, 2, … (R = 2: hit, miss; AP 1/2); q1 → 0, 2 tied at 1, 0 first (hit, miss; AP 1/2);
    /// q2 → 1, 3 tied at 1, 1 first (R = 1: miss; AP 0); q3 → 2, 4 tied at 1, 2 first (hit; AP 1);
    /// q4 → 3, 2, … (miss, miss; AP 0); q5 has no other of its digit and is left out.
    /// Precision@1 = 3/5, MAP@R = 2/5.
    /// </summary>
    [Fact]
    public void Measure_LineWithTiesAndAClassOfOne_GivesTheHandComputedFigures()
    {
        float[] embeddings = [0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 10, 0];
        int[] labels = [0, 0, 1, 1, 0, 2];

        var report = RetrievalMetrics.Measure(_model, embeddings, labels, CancellationToken.None);

        Assert.Equal(6, report.Queries);
        Assert.Equal(1, report.LoneQueries);
        Assert.Equal(3 / 5.0, report.PrecisionAt1, 12);
        Assert.Equal(2 / 5.0, report.MapAtR, 12);
        Assert.Contains("Euclidean", report.RankedBy);
    }

    [Fact]
    public void Measure_ClassesLabelledBeyond255_KeepsEveryClassApart()
    {
        // Omniglot's background set has 964 classes (3,856 with the turned ones): labels do not fit a byte.
        var images = IndexedImages.FromClasses([new ImageClass(300, 1, 1, new byte[2]), new ImageClass(1000, 1, 1, new byte[2]), new ImageClass(556, 1, 1, new byte[2])]);
        float[] embeddings = [0, 0, 0.1f, 0, 5, 5, 5.1f, 5, 0, 0.2f, 0, 0.3f];

        var report = RetrievalMetrics.Measure(_model, embeddings, images.Labels, CancellationToken.None);

        Assert.Equal([300, 300, 1000, 1000, 556, 556], images.Labels);
        Assert.Equal(0, report.LoneQueries);
        Assert.Equal(1.0, report.PrecisionAt1, 12);
    }

    [Fact]
    public void Measure_SeparatedClusters_ScoresOne()
    {
        float[] embeddings = [0, 0, 0.1f, 0, 0, 0.2f, 5, 5, 5.1f, 5, 9, 0, 9, 0.3f];
        int[] labels = [3, 3, 3, 7, 7, 1, 1];

        var report = RetrievalMetrics.Measure(_model, embeddings, labels, CancellationToken.None);

        Assert.Equal((1.0, 1.0, 0), (report.PrecisionAt1, report.MapAtR, report.LoneQueries));
    }

    /// <summary>
    /// 600 points at x = i with alternating digits, more than two chunks of queries: every nearest other point is of
    /// the other digit, so precision@1 is 0 exactly, and would not be if a query met itself in any chunk.
    /// </summary>
    [Fact]
    public void Measure_AlternatingLabelsOverSeveralChunks_ExcludesEachQueryItself()
    {
        const int Count = 600;
        var embeddings = Enumerable.Range(0, Count).SelectMany(i => new[] { (float)i, 0f }).ToArray();
        var labels = Enumerable.Range(0, Count).Select(i => i % 2).ToArray();

        var report = RetrievalMetrics.Measure(_model, embeddings, labels, CancellationToken.None);

        Assert.Equal(0, report.PrecisionAt1);
        Assert.InRange(report.MapAtR, 0.1, 0.5);
    }

    [Fact]
    public void Measure_EveryClassOfOne_IsNaN()
    {
        var report = RetrievalMetrics.Measure(_model, [0, 0, 1, 1], [4, 5], CancellationToken.None);

        Assert.Equal(2, report.LoneQueries);
        Assert.True(double.IsNaN(report.PrecisionAt1) && double.IsNaN(report.MapAtR));
    }

    [Fact]
    public void Measure_Cancelled_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => RetrievalMetrics.Measure(_model, [0, 0, 1, 1], [4, 4], cancelled.Token));
    }

    /// <summary>Relevant at ranks 1, 3 and 4 of R = 4: (1/1 + 2/3 + 3/4) / 4.</summary>
    [Fact]
    public void AveragePrecisionAtR_RelevantAtRanks134_IsTheMeanOfPrecisionsAtHits()
    {
        int[] labels = [1, 0, 1, 1, 9];

        Assert.Equal((1 + (2 / 3.0) + (3 / 4.0)) / 4, RetrievalMetrics.AveragePrecisionAtR([0, 1, 2, 3], labels, 1), 12);
        Assert.Equal(0, RetrievalMetrics.AveragePrecisionAtR([1, 4], labels, 1));
    }
}
