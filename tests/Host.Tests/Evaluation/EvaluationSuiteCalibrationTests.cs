using Siamese.Host.Tests.Commands;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Tests.Evaluation;

/// <summary>
/// The calibrated threshold is chosen on validation pairs only: choosing it on the test images it is then reported on
/// would make the calibrated test accuracy an optimistic, leaked number.
/// </summary>
public sealed class EvaluationSuiteCalibrationTests : IDisposable
{
    private const int ValidationPairs = 200;
    private const int ValidationSeed = 5;
    private const double Rescale = 1 / 255.0;

    private readonly string _folder = Directory.CreateTempSubdirectory("evaluation-suite-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Run_TestImagesAllBlank_CalibratesOnTheValidationImagesOnly()
    {
        // Test images are all blank, so every test pair is two identical images with one and the same score: a
        // threshold calibrated on them could do no better than one half. The validation images are learnable digits.
        TestFiles.WriteTinyModel(_folder);
        using var trainer = ModelFile.Resolve(_folder).Load(new TrainerSettings { Seed = 3 }, Evaluator.ChunkSize);
        var split = new DatasetSplit(SyntheticDigits.Classes(4, 1), SyntheticDigits.Classes(6, 2), BlankClasses(perClass: 4));
        var expected = Calibrate(trainer, split.Validation);
        var fromTest = Calibrate(trainer, split.Test);
        Assert.Equal(0.5, fromTest.Accuracy);
        Assert.True(expected.Accuracy > 0.75, $"validation accuracy {expected.Accuracy}: the tiny model should tell the synthetic digits apart");
        var settings = new EvaluationSettings(
            new EvaluationOptions { TestPairs = 100, Seed = 11, Threshold = 0.5 }, Rescale, ValidationPairs, ValidationSeed, Ways: 2, Trials: 10, OneShotSeed: 13);

        var calibrated = new EvaluationSuite(trainer, settings).Run(split, "tiny").Report.Calibrated;

        Assert.Equal(ValidationPairs, calibrated.ValidationPairs);
        Assert.Equal(ValidationSeed, calibrated.ValidationSeed);
        Assert.Equal(expected.Accuracy, calibrated.ValidationAccuracy);
        Assert.Equal(expected.Threshold, calibrated.Threshold);
    }

    /// <summary>The calibration the suite should make: the balanced, validation-seeded pairs of <paramref name="classes"/>, scored in one batch.</summary>
    private static CalibratedThreshold Calibrate(SiameseTrainer trainer, IReadOnlyList<DigitSet> classes)
    {
        var pairs = PairSet.CreateBalanced(classes, ValidationPairs, ValidationSeed, (float)Rescale);
        var left = new float[pairs.Count * pairs.ImageSize];
        var right = new float[pairs.Count * pairs.ImageSize];
        var labels = new float[pairs.Count];
        var scores = new float[pairs.Count];
        pairs.Fill(0, pairs.Count, left, right, labels);
        trainer.Similarities(left, right, scores);
        return ThresholdCalibration.MaximiseAccuracy(scores, labels);
    }

    private static DigitSet[] BlankClasses(int perClass) =>
        Enumerable.Range(0, 10).Select(d => new DigitSet(d, SyntheticDigits.Side, SyntheticDigits.Side, new byte[perClass * SyntheticDigits.Side * SyntheticDigits.Side])).ToArray();
}
