using Siamese.Pipeline.Data;

namespace Siamese.Host.Tests.Evaluation;

public sealed class EpisodeShapeTests
{
    /// <summary>Test classes of the given groups (null: no group), each of <paramref name="images"/> tiny images.</summary>
    private static ImageClass[] Classes(int images, params string?[] groups) =>
        [.. groups.Select((g, i) => new ImageClass(i, 2, 2, new byte[images * 4], $"c{i}", g))];

    [Fact]
    public void Resolve_UnseenGroupedClasses_TwentyWayOneShotWithinGroupLoweredToTheLargestGroup()
    {
        var test = Classes(20, "a", "a", "a", "b", "b", "b", "b", "b", "c");

        var shape = EpisodeShape.Resolve(test, unseen: true, ways: null, shots: null, withinGroup: null);

        Assert.Equal((5, 1, true), (shape.Ways, shape.Shots, shape.WithinGroup));
        Assert.Equal("20-way lowered to 5-way: the largest test group has 5 classes", shape.Note);
    }

    [Fact]
    public void Resolve_UnseenGroupsLargeEnough_TwentyWayWithNoNote()
    {
        var test = Classes(3, [.. Enumerable.Repeat("a", 24), .. Enumerable.Repeat("b", 30)]);

        var shape = EpisodeShape.Resolve(test, unseen: true, ways: null, shots: null, withinGroup: null);

        Assert.Equal((20, 1, true, (string?)null), (shape.Ways, shape.Shots, shape.WithinGroup, shape.Note));
    }

    [Fact]
    public void Resolve_SeenClassesAsMnist_TenWayAcrossAllClasses()
    {
        var test = Classes(900, [.. Enumerable.Repeat<string?>(null, 10)]);

        var shape = EpisodeShape.Resolve(test, unseen: false, ways: null, shots: null, withinGroup: null);

        Assert.Equal((10, 1, false, (string?)null), (shape.Ways, shape.Shots, shape.WithinGroup, shape.Note));
    }

    [Fact]
    public void Resolve_UnseenWithoutGroups_TwentyWayLoweredToTheClasses()
    {
        var shape = EpisodeShape.Resolve(Classes(5, null, null, null, null), unseen: true, ways: null, shots: 4, withinGroup: null);

        Assert.Equal((4, 4, false), (shape.Ways, shape.Shots, shape.WithinGroup));
    }

    [Theory]
    [InlineData(9, null, null, "--ways must be between 2 and 5 (the largest test group has 5 classes; got 9)")]
    [InlineData(1, null, null, "--ways must be between 2 and 5")]
    [InlineData(null, 20, null, "--shots must be between 1 and 19 (a test class has 20 images")]
    [InlineData(null, 0, null, "--shots must be between 1 and 19")]
    [InlineData(12, null, false, "--ways must be between 2 and 9 (there are 9 test classes; got 12)")]
    public void Resolve_ImpossibleValueGiven_RefusedNamingTheOption(int? ways, int? shots, bool? withinGroup, string message)
    {
        var test = Classes(20, "a", "a", "a", "b", "b", "b", "b", "b", "c");

        var e = Assert.Throws<UserInputException>(() => EpisodeShape.Resolve(test, unseen: true, ways, shots, withinGroup));

        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void Resolve_WithinGroupWithoutGroups_Refused() =>
        Assert.Contains("--within-group needs classes in groups", Assert.Throws<UserInputException>(() => EpisodeShape.Resolve(Classes(5, null, null), unseen: true, null, null, withinGroup: true)).Message);
}
