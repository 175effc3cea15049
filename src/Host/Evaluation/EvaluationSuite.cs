using Siamese.Host.Configuration;
using Siamese.Model;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Evaluation;

/// <summary>What <see cref="EvaluationSuite"/> needs besides the model: the pair sets' sizes and seeds and the one-shot protocol.</summary>
/// <param name="Shots">Support images per class in the N-way trials (k).</param>
/// <param name="WithinGroup">Each trial's classes are of one group (an Omniglot alphabet).</param>
internal sealed record EvaluationSettings(EvaluationOptions Evaluation, int ValidationPairs, int ValidationSeed, int Ways, int Trials, int OneShotSeed, int Shots = 1, bool WithinGroup = false);

/// <summary>The scores and curves of one evaluation, for the pictures.</summary>
internal sealed record EvaluationOutcome(FullEvaluation Report, double[] RocFalsePositiveRate, double[] RocTruePositiveRate);

/// <summary>
/// Runs every measurement of <c>evaluate</c> with one trained model: the fixed balanced test pairs (accuracy at the
/// configured threshold, ROC AUC, confusion, per digit pair, equal error rate), a threshold calibrated on balanced
/// validation pairs and applied to the test pairs, and N-way one-shot trials on the test images.
/// </summary>
internal sealed class EvaluationSuite
{
    private readonly SiameseModel _model;
    private readonly EvaluationSettings _settings;

    private readonly CancellationToken _cancellationToken;

    /// <param name="cancellationToken">Checked before every chunk of pairs scored.</param>
    public EvaluationSuite(SiameseModel model, EvaluationSettings settings, CancellationToken cancellationToken = default)
    {
        _model = model;
        _settings = settings;
        _cancellationToken = cancellationToken;
    }

    public EvaluationOutcome Run(DatasetSplit split, string modelDescription)
    {
        ArgumentNullException.ThrowIfNull(split);
        var options = _settings.Evaluation;
        FailPoint.Reach("evaluate", _cancellationToken);
        var evaluator = new Evaluator(_model, options, _cancellationToken);

        var test = evaluator.TestPairs(split.Test);
        var scores = evaluator.Score(test);
        var atThreshold = EvaluationResult.From(scores, test.Labels, options.Threshold, options.Seed);

        var calibration = Calibrate(split.Validation, evaluator, scores, test.Labels);

        var leftDigits = Enumerable.Range(0, test.Count).Select(test.LeftDigit).ToArray();
        var rightDigits = Enumerable.Range(0, test.Count).Select(test.RightDigit).ToArray();
        var table = split.Test.Count > DigitPairTable.MostClasses ? null
            : DigitPairTable.Create(split.Test.Select(c => c.Label).ToArray(), leftDigits, rightDigits, scores, test.Labels, options.Threshold);
        var (fpr, tpr) = ThresholdCalibration.RocCurve(scores, test.Labels);

        var oneShot = new OneShotTask(split.Test.Select(c => c.Count).ToArray(), _settings.Ways, _settings.OneShotSeed, _settings.Shots, _settings.WithinGroup ? split.Test.Select(c => c.Group).ToArray() : null);
        var oneShotResult = oneShot.Score(oneShot.Trials(_settings.Trials), Scorer(split.Test), _model.ChunkImages / 2);

        var report = new FullEvaluation(
            modelDescription,
            DateTimeOffset.UtcNow,
            atThreshold,
            calibration,
            ThresholdCalibration.EqualError(scores, test.Labels),
            table,
            oneShotResult,
            UnseenTestClasses: split.ClassesDisjoint);
        return new EvaluationOutcome(report, fpr, tpr);
    }

    /// <summary>The threshold that maximises accuracy on balanced validation pairs, applied to the test pairs; null unless there are two validation classes or more, of two images or more each.</summary>
    private CalibrationReport? Calibrate(IReadOnlyList<ImageClass> validationClasses, Evaluator evaluator, float[] testScores, float[] testLabels)
    {
        if (validationClasses.Count < 2 || validationClasses.Any(c => c.Count < 2))
        {
            return null;
        }

        var validation = PairSet.CreateBalanced(validationClasses, _settings.ValidationPairs, _settings.ValidationSeed);
        var calibrated = ThresholdCalibration.MaximiseAccuracy(evaluator.Score(validation), validation.Labels);
        var onTest = EvaluationResult.From(testScores, testLabels, calibrated.Threshold, _settings.Evaluation.Seed);
        return new CalibrationReport(validation.Count, _settings.ValidationSeed, calibrated.Threshold, calibrated.Accuracy, onTest);
    }

    /// <summary>Scores image pairs of <paramref name="classes"/> with the model (its own rescale).</summary>
    public PairScorer Scorer(IReadOnlyList<ImageClass> classes)
    {
        int size = classes[0].ImageSize;
        byte[] left = [], right = [];
        return (lefts, rights, output) =>
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (left.Length < lefts.Length * size)
            {
                left = new byte[lefts.Length * size];
                right = new byte[lefts.Length * size];
            }

            for (int i = 0; i < lefts.Length; i++)
            {
                classes[lefts[i].Class].Image(lefts[i].Index).CopyTo(left.AsSpan(i * size, size));
                classes[rights[i].Class].Image(rights[i].Index).CopyTo(right.AsSpan(i * size, size));
            }

            _model.Similarities(left.AsSpan(0, lefts.Length * size), right.AsSpan(0, lefts.Length * size), output);
        };
    }
}
