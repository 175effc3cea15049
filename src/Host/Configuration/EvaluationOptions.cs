using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Siamese.Host.Configuration;

/// <summary>The <c>Evaluation</c> section: the fixed test pair set and the decision threshold.</summary>
internal sealed class EvaluationOptions
{
    public const string SectionName = "Evaluation";

    /// <summary>Most pairs in a pair set: each costs 17 bytes of indices and label, and its scoring time.</summary>
    public const int MaxPairs = 1_000_000;

    /// <summary>Balanced pairs drawn from the MNIST test set (half same digit, half different).</summary>
    [Range(2, MaxPairs, ErrorMessage = "must be between {1} and {2}")]
    public int TestPairs { get; set; } = 10_000;

    public int Seed { get; set; } = 2024;

    /// <summary>
    /// Also score the test pair set after every epoch (logged and recorded as <c>test_acc</c> in the history, with
    /// the time since the process started) — for measuring time-to-accuracy; never used for any training decision.
    /// </summary>
    public bool EveryEpoch { get; set; }

    /// <summary>Similarity above which a pair is called "same digit" (as the trainer counts accuracy: logit > 0).</summary>
    public double Threshold { get; set; } = 0.5;

    /// <summary>
    /// One-shot runs in the format of Omniglot's <c>all_runs.zip</c> (a folder or <c>.zip</c>) that a training run scores
    /// its final weights on after the test evaluation, as the <c>one-shot-runs</c> verb does; empty: none.
    /// </summary>
    public string OneShotRuns { get; set; } = "";
}
