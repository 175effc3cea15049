namespace Siamese.Host.Evaluation;

/// <summary>The threshold that maximised accuracy on validation pairs, and what it gives on the test pairs.</summary>
internal sealed record CalibrationReport(int ValidationPairs, int ValidationSeed, double Threshold, double ValidationAccuracy, EvaluationResult Test);

/// <summary>Everything <c>evaluate</c> measures, as written to <c>evaluation-full.json</c>.</summary>
/// <param name="Calibrated">The calibrated threshold, or null when there are no validation classes to calibrate it on.</param>
/// <param name="AtThreshold">The fixed test pair set at Evaluation:Threshold: accuracy, ROC AUC, confusion counts.</param>
/// <param name="DigitPairs">Accuracy per class pair at Evaluation:Threshold; null with more than <see cref="DigitPairTable.MostClasses"/> test classes.</param>
/// <param name="Retrieval">Precision@1 and MAP@R of the test images against one another (null until measured).</param>
/// <param name="UnseenTestClasses">No test class is a training class (a split by class or group): the pairs and trials measure classes the model never saw, and the threshold is calibrated on validation classes it never saw either.</param>
internal sealed record FullEvaluation(
    string Model,
    DateTimeOffset EvaluatedAt,
    EvaluationResult AtThreshold,
    CalibrationReport? Calibrated,
    EqualErrorRate EqualErrorRate,
    DigitPairTable? DigitPairs,
    OneShotResult OneShot,
    RetrievalReport? Retrieval = null,
    bool UnseenTestClasses = false);
