namespace Siamese.Model;

/// <summary>Loss and accuracy of one training step or evaluation.</summary>
/// <param name="Loss">Mean binary cross-entropy over the pairs.</param>
/// <param name="Correct">Pairs classified correctly at similarity 0.5 (logit 0).</param>
/// <param name="Count">Pairs seen.</param>
public readonly record struct StepResult(double Loss, int Correct, int Count)
{
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;
}
