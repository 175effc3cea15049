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

    private readonly string _folder = Directory.CreateTempSubdirectory("evaluation-suite-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Run_TestImagesAllBlank_CalibratesOnTheValidationImagesOnly()
    {
        // Test images are all blank, so every test pair is two identical images with one and the same score: a
        // threshold calibrated on them could do no better than one half. The validation images are learnable digits.
        TestFiles.WriteTinyModel(_folder);
        using var model = SiameseModel.Load(_folder);
        var split = new DatasetSplit(SyntheticDigits.Classes(4, 1), SyntheticDigits.Classes(6, 2), BlankClasses(perClass: 4));
        var expected = Calibrate(model, split.Validation);
        var fromTest = Calibrate(model, split.Test);
        Assert.Equal(0.5, fromTest.Accuracy);
        Assert.True(expected.Accuracy > 0.75, $"validation accuracy {expected.Accuracy}: the tiny model should tell the synthetic digits apart");
        var settings = new EvaluationSettings(
            new EvaluationOptions { TestPairs = 100, Seed = 11, Threshold = 0.5 }, ValidationPairs, ValidationSeed, Ways: 2, Trials: 10, OneShotSeed: 13);

        var calibrated = new EvaluationSuite(model, settings).Run(split, "tiny").Report.Calibrated;

        Assert.NotNull(calibrated);
        Assert.Equal(ValidationPairs, calibrated.ValidationPairs);
        Assert.Equal(ValidationSeed, calibrated.ValidationSeed);
        Assert.Equal(expected.Accuracy, calibrated.ValidationAccuracy);
        Assert.Equal(expected.Threshold, calibrated.Threshold);
    }

    [Fact]
    public void Run_NoValidationClasses_ScoresTheTestImagesWithoutCalibrating()
    {
        // A profile that trains on every training image (Data:ValidationFraction=0) is still evaluated.
        TestFiles.WriteTinyModel(_folder);
        using var model = SiameseModel.Load(_folder);
        var split = new DatasetSplit(SyntheticDigits.Classes(4, 1), [], SyntheticDigits.Classes(6, 2));
        var settings = new EvaluationSettings(
            new EvaluationOptions { TestPairs = 100, Seed = 11, Threshold = 0.5 }, ValidationPairs, ValidationSeed, Ways: 2, Trials: 10, OneShotSeed: 13);

        var report = new EvaluationSuite(model, settings).Run(split, "tiny").Report;

        Assert.Null(report.Calibrated);
        Assert.Equal(100, report.AtThreshold.Pairs);
        Assert.Equal(10, report.OneShot.Trials);
    }

    [Fact]
    public void Run_MoreThanAHundredTestClasses_LeavesOutOnlyTheClassPairTable()
    {
        TestFiles.WriteTinyModel(_folder);
        using var model = SiameseModel.Load(_folder);
        var digits = SyntheticDigits.Classes(2, 2);
        var many = Enumerable.Range(0, DigitPairTable.MostClasses + 1).Select(c => new ImageClass(c, SyntheticDigits.Side, SyntheticDigits.Side, digits[c % 10].Pixels.ToArray())).ToArray();
        var split = new DatasetSplit(SyntheticDigits.Classes(4, 1), SyntheticDigits.Classes(6, 2), many);
        var settings = new EvaluationSettings(
            new EvaluationOptions { TestPairs = 100, Seed = 11, Threshold = 0.5 }, ValidationPairs, ValidationSeed, Ways: 2, Trials: 10, OneShotSeed: 13);

        var report = new EvaluationSuite(model, settings).Run(split, "tiny").Report;
        var fewer = new EvaluationSuite(model, settings).Run(split with { Test = many[..DigitPairTable.MostClasses] }, "tiny").Report;

        Assert.Null(report.DigitPairs);
        Assert.Equal(100, report.AtThreshold.Pairs);
        Assert.NotNull(report.Calibrated);
        Assert.NotNull(fewer.DigitPairs);
        Assert.Equal(DigitPairTable.MostClasses, fewer.DigitPairs.Digits.Length);
    }

    /// <summary>The calibration the suite should make: the balanced, validation-seeded pairs of <paramref name="classes"/>, scored in one batch.</summary>
    private static CalibratedThreshold Calibrate(SiameseModel model, IReadOnlyList<ImageClass> classes)
    {
        var pairs = PairSet.CreateBalanced(classes, ValidationPairs, ValidationSeed);
        var left = Enumerable.Range(0, pairs.Count).SelectMany(i => pairs.LeftImage(i).ToArray()).ToArray();
        var right = Enumerable.Range(0, pairs.Count).SelectMany(i => pairs.RightImage(i).ToArray()).ToArray();
        return ThresholdCalibration.MaximiseAccuracy(model.Similarities(left, right), pairs.Labels);
    }

    private static ImageClass[] BlankClasses(int perClass) =>
        Enumerable.Range(0, 10).Select(d => new ImageClass(d, SyntheticDigits.Side, SyntheticDigits.Side, new byte[perClass * SyntheticDigits.Side * SyntheticDigits.Side])).ToArray();
}
