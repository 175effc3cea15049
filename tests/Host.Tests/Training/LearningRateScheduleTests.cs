namespace Siamese.Host.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void At_Constant_IsTheBaseRateThroughout()
    {
        var schedule = new LearningRateSchedule(ScheduleKind.Constant, 1e-3, 100);

        Assert.All(new long[] { 0, 50, 99, 500 }, step => Assert.Equal(1e-3, schedule.At(step)));
    }

    [Fact]
    public void At_Cosine_FallsFromTheBaseRateToZeroThroughHalfAtTheMiddle()
    {
        var schedule = new LearningRateSchedule(ScheduleKind.Cosine, 0.2, 101);

        Assert.Equal(0.2, schedule.At(0), 12);
        Assert.Equal(0.1, schedule.At(50), 12);
        Assert.Equal(0.0, schedule.At(100), 12);
        Assert.True(schedule.At(30) > schedule.At(31));
    }

    [Fact]
    public void At_OneCycle_WarmsUpFromAThe25thToTheBaseRateThenAnnealsFarBelow()
    {
        var schedule = new LearningRateSchedule(ScheduleKind.OneCycle, 0.01, 1001, warmupFraction: 0.3);

        Assert.Equal(0.01 / 25, schedule.At(0), 12);
        Assert.Equal(0.01, schedule.At(300), 12);
        Assert.Equal(0.01 / 25 / 1e4, schedule.At(1000), 12);
        Assert.True(schedule.At(100) < schedule.At(200));
        Assert.True(schedule.At(500) > schedule.At(800));
    }
}
