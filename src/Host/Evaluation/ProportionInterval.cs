namespace Siamese.Host.Evaluation;

/// <summary>A confidence interval for a proportion (successes out of trials).</summary>
internal readonly record struct ProportionInterval(double Low, double High)
{
    /// <summary>z for a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>
    /// The Wilson score interval, which stays inside [0, 1] and keeps its coverage near 0 and 1, where the normal
    /// approximation p ± z·sqrt(p(1 − p)/n) does not.
    /// </summary>
    public static ProportionInterval Wilson(int successes, int trials, double z = Z95)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trials);
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, trials);
        double n = trials;
        double p = successes / n;
        double z2 = z * z;
        double centre = (p + (z2 / (2 * n))) / (1 + (z2 / n));
        double half = z / (1 + (z2 / n)) * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n)));
        return new ProportionInterval(Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
