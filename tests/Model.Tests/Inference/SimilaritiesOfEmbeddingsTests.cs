namespace Siamese.Model.Tests;

[Collection(TorchCollection.Name)]
public sealed class SimilaritiesOfEmbeddingsTests
{
    [Theory]
    [InlineData(TowerKind.Mlp, SimilarityKind.Sigmoid)]
    [InlineData(TowerKind.Mlp, SimilarityKind.Contrastive)]
    [InlineData(TowerKind.Conv, SimilarityKind.Sigmoid)]
    public void SimilaritiesOfEmbeddings_EmbeddedPairs_EqualTheDirectSimilarities(TowerKind tower, SimilarityKind similarity)
    {
        var options = new ModelOptions { Tower = tower, ConvChannels = [4, 8], HiddenSizes = [16, 16], Similarity = similarity };
        var pairs = SyntheticPairs.Create(1500, 784, seed: 31);
        using var trainer = new SiameseTrainer(options, new TrainerSettings { Seed = 32 }, maxBatch: 64);
        for (int step = 0; step < 5; step++)
        {
            trainer.TrainStep(pairs.LeftOf(step * 64, 64, 784), pairs.RightOf(step * 64, 64, 784), pairs.LabelsOf(step * 64, 64));
        }

        var direct = new float[1500];
        trainer.Model.Similarities(pairs.Left, pairs.Right, direct);
        var left = new float[1500 * trainer.EmbeddingSize];
        var right = new float[1500 * trainer.EmbeddingSize];

        trainer.Model.Embed(pairs.Left, left);
        trainer.Model.Embed(pairs.Right, right);
        var viaEmbeddings = new float[1500];
        trainer.Model.SimilaritiesOfEmbeddings(left, right, viaEmbeddings);

        Assert.All(Enumerable.Range(0, 1500), i => Assert.Equal(direct[i], viaEmbeddings[i], 1e-5f));
        Assert.True(trainer.Network.training, "back in training mode");
    }
}
