namespace Siamese.Model.Tests;

/// <summary>
/// A trainer taken a few seeded steps on <see cref="SyntheticPairs"/> (so the weights are not at their
/// initialisation), and its final weights saved as a run folder saves them: <c>model.bin</c> and <c>model.json</c>.
/// </summary>
internal sealed class TrainedRun : IDisposable
{
    public const int InputSize = 784;

    private TrainedRun(SiameseTrainer trainer, string folder)
    {
        Trainer = trainer;
        Folder = folder;
    }

    public SiameseTrainer Trainer { get; }

    /// <summary>A temporary run folder, deleted with this object.</summary>
    public string Folder { get; }

    /// <summary>Small widths, so that tests are fast: <c>c4-c8-16-16</c> for the conv tower, <c>16-16</c> for the MLP.</summary>
    public static ModelOptions Small(TowerKind tower, SimilarityKind similarity, DistanceKind distance = DistanceKind.L1) => new()
    {
        Tower = tower,
        ConvChannels = tower == TowerKind.Conv ? [4, 8] : null,
        HiddenSizes = [16, 16],
        Similarity = similarity,
        Distance = distance,
        Margin = 1.5,
    };

    public static TrainedRun Create(ModelOptions options, int steps = 8, int seed = 31)
    {
        var trainer = new SiameseTrainer(options, new TrainerSettings { Seed = seed, LearningRate = 1e-2 }, maxBatch: 32);
        var pairs = SyntheticPairs.Create(32 * steps, InputSize, seed: seed + 1);
        for (int step = 0; step < steps; step++)
        {
            trainer.TrainStep(pairs.LeftOf(step * 32, 32, InputSize), pairs.RightOf(step * 32, 32, InputSize), pairs.LabelsOf(step * 32, 32));
        }

        string folder = Directory.CreateTempSubdirectory("trained-run-").FullName;
        trainer.SaveWeights(Path.Combine(folder, ModelFile.WeightsName));
        ModelFile.WriteOptions(folder, options);
        return new TrainedRun(trainer, folder);
    }

    /// <summary>Seeded raw 0–255 images, row-major, one after another.</summary>
    public static byte[] RandomPixels(int images, int seed)
    {
        var pixels = new byte[images * InputSize];
        new Random(seed).NextBytes(pixels);
        return pixels;
    }

    /// <summary>What the training pipeline feeds the network for <paramref name="pixels"/>: each byte times (float)rescale.</summary>
    public static float[] Rescaled(byte[] pixels, double rescale) => pixels.Select(p => p * (float)rescale).ToArray();

    public void Dispose()
    {
        Trainer.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
