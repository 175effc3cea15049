namespace Siamese.Host.Training;

/// <summary>How the learning rate moves over a run (<c>Training:Schedule</c>; see <see cref="LearningRateSchedule"/>).</summary>
public enum ScheduleKind
{
    /// <summary>The base rate throughout (the tutorial's).</summary>
    Constant,

    /// <summary>From the base rate down to 0 along half a cosine.</summary>
    Cosine,

    /// <summary>As PyTorch's <c>OneCycleLR</c>: a warm-up to the base rate, then down to nearly 0.</summary>
    OneCycle,
}
