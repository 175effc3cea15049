using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Siamese.Model.Tests;

/// <summary><see cref="SiameseModel.Rank"/> against the pairwise path the similarities of <c>compare</c> come from.</summary>
[Collection(TorchCollection.Name)]
public sealed class EmbeddingRankingTests(ITestOutputHelper output)
{
    private const int InputSize = TrainedRun.InputSize;

    public static TheoryData<SimilarityKind, DistanceKind> MlpVariants => new()
    {
        { SimilarityKind.Sigmoid, DistanceKind.L1 },
        { SimilarityKind.Sigmoid, DistanceKind.L2 },
        { SimilarityKind.Contrastive, DistanceKind.L1 },
        { SimilarityKind.Cosine, DistanceKind.L1 },
    };

    /// <summary>
    /// More queries than one chunk, every reference ranked: each ranked similarity is the pairwise similarity of the two
    /// images, and each row is in non-increasing similarity; the first five alone (the topk path) are the same five. The head's weights have both signs, so both halves of the
    /// L1 split are exercised. References prepared once (as <c>serve</c> keeps its gallery) rank the same, call after call.
    /// </summary>
    [Theory]
    [MemberData(nameof(MlpVariants))]
    public void Rank_RandomImages_SimilaritiesArePairwiseOnesInDescendingOrder(SimilarityKind similarity, DistanceKind distance)
    {
        using var run = TrainedRun.Create(TrainedRun.Small(TowerKind.Mlp, similarity, distance));
        using var model = SiameseModel.Load(run.Folder);
        if (similarity == SimilarityKind.Sigmoid)
        {
            var weights = model.Read(network => network.Head!.weight!.detach().reshape(-1).data<float>().ToArray());
            Assert.Contains(weights, w => w > 0);
            Assert.Contains(weights, w => w < 0);
        }

        const int Queries = EmbeddingRanking.ChunkQueries + 44;
        const int References = 40;
        var queryImages = TrainedRun.RandomPixels(Queries, seed: 5);
        var referenceImages = TrainedRun.RandomPixels(References, seed: 6);
        var ranked = new int[Queries * References];
        var similarities = new float[Queries * References];

        var queries = Flat(model.Embed(queryImages));
        var references = Flat(model.Embed(referenceImages));
        model.Rank(queries, references, [], ranked, similarities);
        var firstFive = new int[Queries * 5];
        model.Rank(queries, references, [], firstFive);

        Assert.Equal(Enumerable.Range(0, Queries).SelectMany(q => ranked.Skip(q * References).Take(5)), firstFive);
        using (var prepared = model.Prepare(references))
        {
            for (int call = 0; call < 2; call++)
            {
                var preparedRanked = new int[Queries * References];
                var preparedSimilarities = new float[Queries * References];
                model.Rank(queries, prepared, [], preparedRanked, preparedSimilarities);
                Assert.Equal(ranked, preparedRanked);
                Assert.Equal(similarities, preparedSimilarities);
            }
        }

        float worst = 0;
        for (int q = 0; q < Queries; q++)
        {
            var row = ranked.AsSpan(q * References, References).ToArray();
            Assert.Equal(Enumerable.Range(0, References), row.Order());
            var pairwise = model.Similarities(Repeat(queryImages.AsSpan(q * InputSize, InputSize), References), Gather(referenceImages, row));
            for (int j = 0; j < References; j++)
            {
                worst = Math.Max(worst, Math.Abs(pairwise[j] - similarities[(q * References) + j]));
                if (j > 0)
                {
                    Assert.True(pairwise[j] <= pairwise[j - 1] + 1e-5f, $"query {q}: rank {j} similarity {pairwise[j]} above rank {j - 1}'s {pairwise[j - 1]}");
                }
            }
        }

        output.WriteLine($"{similarity}/{distance}: max |ranked - pairwise| similarity = {worst:G3}");
        Assert.True(worst <= 1e-5f, $"max difference {worst}");
        if (similarity == SimilarityKind.Cosine)
        {
            // ReLU embeddings of random images point much the same way: the cosines are high but must still differ.
            Assert.True(similarities.Max() - similarities.Min() > 0.01f, $"cosines span only {similarities.Min()}..{similarities.Max()}: the comparison would prove little");
        }
        else
        {
            Assert.True(similarities.Count(s => s is > 0.02f and < 0.98f) > similarities.Length / 10, "most similarities are saturated: the comparison would prove little");
        }
    }

    /// <summary>Hand-made embeddings (contrastive: Euclidean distance): equal distances keep reference order, the excluded reference goes last.</summary>
    [Fact]
    public void Rank_TiesAndExclusion_TiesInReferenceOrderExcludedLast()
    {
        using var run = TrainedRun.Create(new ModelOptions { HiddenSizes = [2], Similarity = SimilarityKind.Contrastive, Margin = 2 }, steps: 1);
        using var model = SiameseModel.Load(run.Folder);
        float[] references = [3, 0, /* 1 */ 0, 0, /* 2 */ 1, 0, /* 3 */ -1, 0, /* 4 */ 0, 1, /* 5 */ 0, 3];
        float[] queries = [0, 0, 0, 0];
        var ranked = new int[2 * 6];
        var similarities = new float[2 * 6];

        model.Rank(queries, references, [-1, 1], ranked, similarities);

        Assert.Equal([1, 2, 3, 4, 0, 5], ranked[..6]);
        Assert.Equal([2, 3, 4, 0, 5, 1], ranked[6..]);

        // d = 1 with margin 2: 2^(-(2·1/2)²) = 0.5; d = 3: 2^-9.
        Assert.Equal(0.5f, similarities[1], 6);
        Assert.Equal(MathF.Pow(2, -9), similarities[4], 6);
        Assert.Equal(1f, similarities[0], 3);
    }

    /// <summary>Many equal scores: a sort that is not stable scrambles them.</summary>
    [Fact]
    public void Rank_ManyTies_KeepReferenceOrder()
    {
        using var run = TrainedRun.Create(new ModelOptions { HiddenSizes = [2], Similarity = SimilarityKind.Contrastive, Margin = 2 }, steps: 1);
        using var model = SiameseModel.Load(run.Folder);
        const int References = 300;
        var references = Enumerable.Range(0, References).SelectMany(i => new[] { i % 2 == 0 ? 1f : 2f, 0f }).ToArray();
        var ranked = new int[References];

        model.Rank([0, 0], references, [], ranked);

        Assert.Equal(Enumerable.Range(0, References).Where(i => i % 2 == 0).Concat(Enumerable.Range(0, References).Where(i => i % 2 == 1)), ranked);
    }

    /// <summary>
    /// k small against the references (the topk path): 60 references tied at distance 1 (every fifth) come first, in
    /// reference order; with k = 60 they fill the cut exactly, with k = 10 the tie straddles it and the first ten of
    /// them in reference order make it.
    /// </summary>
    [Theory]
    [InlineData(60)]
    [InlineData(10)]
    public void Rank_FewOfManyWithTies_TiesInReferenceOrderAcrossTheCut(int k)
    {
        using var run = TrainedRun.Create(new ModelOptions { HiddenSizes = [2], Similarity = SimilarityKind.Contrastive, Margin = 2 }, steps: 1);
        using var model = SiameseModel.Load(run.Folder);
        const int References = 300;
        var tied = Enumerable.Range(0, References).Where(i => i % 5 == 3).ToArray();
        var references = Enumerable.Range(0, References).SelectMany(i => tied.Contains(i) ? new[] { 0f, 1f } : new[] { 5f + i, 0f }).ToArray();
        var ranked = new int[2 * k];

        model.Rank([0, 0, 0, 0], references, [-1, 3], ranked);

        Assert.Equal(tied.Take(k), ranked[..k]);
        Assert.Equal(tied.Skip(1).Append(0).Take(k), ranked[k..]);
    }

    [Fact]
    public void Rank_KLargerThanReferences_Throws()
    {
        using var run = TrainedRun.Create(TrainedRun.Small(TowerKind.Mlp, SimilarityKind.Sigmoid), steps: 1);
        using var model = SiameseModel.Load(run.Folder);

        Assert.Throws<ArgumentException>(() => model.Rank(new float[16], new float[2 * 16], [], new int[3]));
        Assert.Throws<ArgumentException>(() => model.Rank(new float[16], new float[2 * 16], [0, 1], new int[2]));
        Assert.Throws<ArgumentException>(() => model.Rank(new float[15], new float[2 * 16], [], new int[2]));
    }

    [Fact]
    public void Rank_PreparedByAnotherModelOrDisposed_Throws()
    {
        using var run = TrainedRun.Create(TrainedRun.Small(TowerKind.Mlp, SimilarityKind.Sigmoid), steps: 1);
        using var model = SiameseModel.Load(run.Folder);
        using var other = SiameseModel.Load(run.Folder);
        var references = new float[3 * model.EmbeddingSize];
        var prepared = other.Prepare(references);

        Assert.Throws<ArgumentException>(() => model.Rank(new float[model.EmbeddingSize], prepared, [], new int[3]));
        other.Rank(new float[model.EmbeddingSize], prepared, [], new int[3]);
        prepared.Dispose();
        Assert.Throws<ObjectDisposedException>(() => other.Rank(new float[model.EmbeddingSize], prepared, [], new int[3]));
        Assert.Throws<ArgumentException>(() => model.Prepare(new float[model.EmbeddingSize + 1]));
    }

    private static float[] Flat(float[,] rows) => rows.Cast<float>().ToArray();

    private static byte[] Repeat(ReadOnlySpan<byte> image, int times)
    {
        var result = new byte[times * image.Length];
        for (int i = 0; i < times; i++)
        {
            image.CopyTo(result.AsSpan(i * image.Length));
        }

        return result;
    }

    private static byte[] Gather(byte[] images, int[] indices) =>
        indices.SelectMany(i => images.AsSpan(i * InputSize, InputSize).ToArray()).ToArray();
}
