using Siamese.Host.Cli;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Evaluation;

/// <summary>
/// The shape of <c>evaluate</c>'s N-way k-shot trials: as given, or by default 20-way 1-shot within a group when the
/// test classes are unseen (a class split) and grouped (Omniglot's within-alphabet runs), 20-way 1-shot across the
/// test classes when unseen without groups, and 10-way 1-shot otherwise (MNIST's ten digits); a default is clamped to
/// what the test classes allow, a value given is refused when they do not allow it.
/// </summary>
/// <param name="Note">Why a default was lowered, for the log; null when nothing was clamped.</param>
internal sealed record EpisodeShape(int Ways, int Shots, bool WithinGroup, string? Note)
{
    /// <summary>N of the trials on unseen classes: Omniglot's official runs are 20-way.</summary>
    public const int UnseenWays = 20;

    /// <summary>N of the trials on the training classes' own test images (MNIST's ten digits).</summary>
    public const int SeenWays = 10;

    /// <exception cref="UserInputException">A value given is impossible with these test classes; the message names the option.</exception>
    public static EpisodeShape Resolve(IReadOnlyList<ImageClass> test, bool unseen, int? ways, int? shots, bool? withinGroup)
    {
        ArgumentNullException.ThrowIfNull(test);
        bool grouped = test.Count > 0 && test.All(c => c.Group is not null);
        bool within = withinGroup ?? (unseen && grouped);
        if (within && !grouped)
        {
            throw new UserInputException("--within-group needs classes in groups (<group>/<class>/<picture>); these test classes have none.");
        }

        int most = within ? OneShotTask.MaxWaysWithinGroup(test.Select(c => c.Group).ToArray()) : test.Count;
        string scope = within ? $"the largest test group has {most} classes" : $"there are {most} test classes";
        if (ways is { } n && (n < 2 || n > most))
        {
            throw new UserInputException($"--ways must be between 2 and {most} ({scope}; got {n}).");
        }

        if (most < 2)
        {
            throw new UserInputException($"N-way trials need two test classes{(within ? " in one group" : string.Empty)}; {scope}{(within ? " (try --within-group false)" : string.Empty)}.");
        }

        int fewest = test.Min(c => c.Count);
        int k = shots ?? 1;
        if (k < 1 || k > fewest - 1)
        {
            throw new UserInputException($"--shots must be between 1 and {fewest - 1} (a test class has {fewest} images: the query and k others; got {k}).");
        }

        int wanted = unseen ? UnseenWays : SeenWays;
        int chosen = ways ?? Math.Min(wanted, most);
        string? note = ways is null && chosen < wanted ? $"{wanted}-way lowered to {chosen}-way: {scope}" : null;
        return new EpisodeShape(chosen, k, within, note);
    }
}
