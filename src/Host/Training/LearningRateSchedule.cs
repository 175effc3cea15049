namespace Siamese.Host.Training;

/// <summary>
/// The learning rate of each training step (0-based, counted over the whole run, so a resumed run continues the same
/// curve): <see cref="ScheduleKind.Constant"/>; <see cref="ScheduleKind.Cosine"/>, from the base rate down to 0 along
/// half a cosine; or <see cref="ScheduleKind.OneCycle"/>, as PyTorch's <c>OneCycleLR</c>: up from base/25 to the base rate over the warm-up share of the
/// run, then down to base/25/10⁴, both along half a cosine.
/// </summary>
internal sealed class LearningRateSchedule(ScheduleKind kind, double baseRate, long totalSteps, double warmupFraction = 0.3)
{
    private const double DivFactor = 25;
    private const double FinalDivFactor = 1e4;

    public double At(long step)
    {
        if (kind == ScheduleKind.Constant || totalSteps <= 1)
        {
            return baseRate;
        }

        double progress = Math.Clamp((double)step / (totalSteps - 1), 0, 1);
        if (kind == ScheduleKind.Cosine)
        {
            return Anneal(baseRate, 0, progress);
        }

        double initial = baseRate / DivFactor;
        double warmupEnd = warmupFraction;
        return progress < warmupEnd
            ? Anneal(initial, baseRate, progress / warmupEnd)
            : Anneal(baseRate, initial / FinalDivFactor, (progress - warmupEnd) / (1 - warmupEnd));
    }

    /// <summary>From <paramref name="start"/> at 0 to <paramref name="end"/> at 1 along half a cosine.</summary>
    private static double Anneal(double start, double end, double fraction) => end + ((start - end) * (1 + Math.Cos(Math.PI * fraction)) / 2);
}
