using System.Globalization;
using Microsoft.Extensions.Logging;
using Siamese.Host.Imaging;
using Siamese.Host.Plots;
using Siamese.Model;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Evaluation;

/// <summary>One run's outcome: each item's predicted class beside its answer, and the share wrong.</summary>
/// <param name="Items">The test items, in the order of the run's class_labels.txt.</param>
/// <param name="Predictions">For each item, the training picture (class) it is most similar to.</param>
/// <param name="Answers">For each item, its class as class_labels.txt gives it.</param>
/// <param name="Similarities">For each item, the similarity of the predicted class.</param>
internal sealed record OneShotRunResult(string Run, IReadOnlyList<string> Items, IReadOnlyList<string> Predictions, IReadOnlyList<string> Answers, IReadOnlyList<float> Similarities, int Wrong, double Error);

/// <summary>A published error rate on Omniglot's 20 official runs.</summary>
internal sealed record PublishedError(string Learner, string TrainedOn, double Error);

/// <summary>Everything <c>one-shot-runs</c> measures, as written to <c>one-shot-runs.json</c>; errors are fractions (0.175 is 17.5%).</summary>
internal sealed record OneShotRunsReport(
    string Model,
    string Runs,
    DateTimeOffset EvaluatedAt,
    string Protocol,
    string TieRule,
    int RunCount,
    int Trials,
    int Wrong,
    double MeanError,
    IReadOnlyList<OneShotRunResult> PerRun,
    string PublishedSource,
    IReadOnlyList<PublishedError> Published);

/// <summary>
/// Scores a model on one-shot runs in the format of Omniglot's <c>all_runs.zip</c>, exactly as the protocol of Lake et
/// al. (2015) says: in each run, each test item is classified as the training class whose one picture it is most
/// similar to (through the model, via <see cref="Gallery"/>), each item on its own (two items may pick the same class;
/// there is no one-to-one assignment); a run's error is the share of its items classified wrong, against the answer
/// its own line of <c>class_labels.txt</c> gives; the figure reported is the mean of the runs' errors. Of classes with
/// equal similarity, the first training picture in ordinal order of its path wins (as numpy's argmax, which the
/// repository's demo_classification.py uses over its sorted training files). Used by the <c>one-shot-runs</c> verb and
/// at the end of training (<c>Evaluation:OneShotRuns</c>).
/// </summary>
internal static partial class OneShotRunsScorer
{
    public const string ReportName = "one-shot-runs.json";
    public const string PictureName = "one-shot-run.png";

    public const string Protocol = "Each test item is classified as the training class whose single picture it is most similar to (items independent: an argmax per item, no one-to-one assignment); a run's error is the share of its items classified wrong against its class_labels.txt; the reported figure is the mean of the runs' errors.";

    public const string TieRule = "Of training classes with equal similarity, the first in ordinal order of its path (class01 before class02) is chosen, as numpy's argmax over the sorted training files of the Omniglot repository's demo_classification.py.";

    public const string PublishedSource = "Lake, Salakhutdinov & Tenenbaum (2015), Science 350(6266), on the same 20 runs; Koch, Zemel & Salakhutdinov (2015) for the Siamese convnet";

    /// <summary>The published errors on the official runs (datasets/omniglot's README), best first.</summary>
    public static IReadOnlyList<PublishedError> Published { get; } =
    [
        new("Bayesian program learning", "background set (30 alphabets)", 0.033),
        new("Bayesian program learning", "minimal set small1 (5 alphabets)", 0.043),
        new("people", "-", 0.045),
        new("Siamese convnet (Koch et al.)", "40 alphabets, 105x105, distorted", 0.080),
        new("deep convnet", "background set (30 alphabets)", 0.135),
        new("deep convnet", "minimal set small1 (5 alphabets)", 0.240),
        new("hierarchical deep model", "background set (30 alphabets)", 0.348),
        new("modified Hausdorff distance", "- (no training)", 0.388),
    ];

    /// <summary>
    /// The runs at <paramref name="path"/>, every picture prepared for <paramref name="model"/> by the one picture helper
    /// (<see cref="ModelPicture"/>); a model trained on MNIST gets them inverted, as the runs are dark ink on paper.
    /// </summary>
    /// <exception cref="DataFormatException">The runs are not in the format, or a picture is unusable; the message names the file.</exception>
    public static OneShotRunSet Read(string path, ModelOptions model, CancellationToken cancellationToken)
    {
        var pictures = new ModelPicture(model, invertDigits: model.Pictures is null);
        return OneShotRunsReader.Read(path, pictures.Prepare, pictures.InputSize, cancellationToken);
    }

    /// <summary>Every run of <paramref name="runs"/> scored with <paramref name="model"/>.</summary>
    public static OneShotRunsReport Score(SiameseModel model, OneShotRunSet runs, string modelDescription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(runs);
        var results = new List<OneShotRunResult>(runs.Runs.Count);
        foreach (var run in runs.Runs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results.Add(ScoreRun(model, run));
        }

        return new OneShotRunsReport(
            modelDescription,
            runs.Source,
            DateTimeOffset.UtcNow,
            Protocol,
            TieRule,
            results.Count,
            results.Sum(r => r.Items.Count),
            results.Sum(r => r.Wrong),
            results.Average(r => r.Error),
            results,
            PublishedSource,
            Published);
    }

    /// <summary>One run: its classes enrolled (one picture each, in order), each item identified among them on its own.</summary>
    internal static OneShotRunResult ScoreRun(SiameseModel model, OneShotRun run)
    {
        // The threshold plays no part: every item takes its best class, known or not.
        var gallery = new Gallery(model, threshold: 0);
        for (int c = 0; c < run.Classes.Count; c++)
        {
            gallery.Enrol(run.Classes[c], run.ClassImage(c));
        }

        var identified = gallery.IdentifyMany(run.ItemPixels);
        var predictions = identified.Select(i => i.Class).ToList();
        var answers = run.Answers.Select(a => run.Classes[a]).ToList();
        int wrong = predictions.Where((p, i) => p != answers[i]).Count();
        return new OneShotRunResult(run.Name, run.Items, predictions, answers, identified.Select(i => i.Similarity).ToList(), wrong, (double)wrong / run.Items.Count);
    }

    /// <summary>Writes the report and a picture of one run (the first item answered wrong, else the first item).</summary>
    public static void Write(OneShotRunsReport report, OneShotRunSet runs, string jsonPath, string pngPath)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(runs);
        AtomicFile.WriteJson(jsonPath, report);
        int r = Math.Max(0, report.PerRun.ToList().FindIndex(x => x.Wrong > 0));
        var result = report.PerRun[r];
        var run = runs.Runs[r];
        int item = Math.Max(0, Enumerable.Range(0, result.Items.Count).FirstOrDefault(i => result.Predictions[i] != result.Answers[i]));
        OneShotRunPicture.Save(run, item, IndexOf(run, result.Predictions[item]), result.Similarities[item], pngPath);
    }

    /// <summary>Each run's error, the mean, and the published table with this model's place in it.</summary>
    public static void Log(ILogger logger, OneShotRunsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        foreach (var run in report.PerRun)
        {
            LogRun(logger, run.Run, 100 * run.Error, run.Wrong, run.Items.Count);
        }

        LogMean(logger, 100 * report.MeanError, report.RunCount, report.Trials);
        LogPublishedHeader(logger, report.PublishedSource);
        bool placed = false;
        foreach (var published in report.Published)
        {
            if (!placed && report.MeanError < published.Error)
            {
                LogThisModel(logger, Row("this model", "(above)", report.MeanError));
                placed = true;
            }

            LogPublished(logger, Row(published.Learner, published.TrainedOn, published.Error));
        }

        if (!placed)
        {
            LogThisModel(logger, Row("this model", "(above)", report.MeanError));
        }
    }

    private static string Row(string learner, string trainedOn, double error) =>
        string.Create(CultureInfo.InvariantCulture, $"{learner,-30} {trainedOn,-34} {100 * error,5:F1}%");

    private static int IndexOf(OneShotRun run, string picture)
    {
        for (int i = 0; i < run.Classes.Count; i++)
        {
            if (run.Classes[i] == picture)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"{picture} is not a class of {run.Name}.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {Run}: error {ErrorPercent:F1}% ({Wrong} of {Items} items wrong)")]
    private static partial void LogRun(ILogger logger, string run, double errorPercent, int wrong, int items);

    [LoggerMessage(Level = LogLevel.Information, Message = "Official one-shot runs: mean error {MeanErrorPercent:F1}% over {Runs} runs ({Trials} trials)")]
    private static partial void LogMean(ILogger logger, double meanErrorPercent, int runs, int trials);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published errors on the official runs ({Source}):")]
    private static partial void LogPublishedHeader(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "  {Row}")]
    private static partial void LogPublished(ILogger logger, string row);

    [LoggerMessage(Level = LogLevel.Information, Message = "> {Row}")]
    private static partial void LogThisModel(ILogger logger, string row);
}
