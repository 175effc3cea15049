namespace Siamese.Host.Configuration;

/// <summary>"Did you mean …?": the known name closest to a mistyped one.</summary>
internal static class Suggestions
{
    /// <summary>
    /// The candidate whose name (<paramref name="nameOf"/>) starts with <paramref name="typed"/>, else the nearest one within
    /// a third of its length in edits (at least one, at most three; case-insensitive), else null.
    /// </summary>
    public static string? Closest(string typed, IEnumerable<string> candidates, Func<string, string>? nameOf = null)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        nameOf ??= candidate => candidate;
        var named = candidates.Select(c => (Candidate: c, Name: nameOf(c))).Where(c => c.Name.Length > 0).ToArray();
        var prefixed = named.FirstOrDefault(c => c.Name.StartsWith(typed, StringComparison.OrdinalIgnoreCase) && typed.Length > 0);
        if (prefixed.Candidate is not null)
        {
            return prefixed.Candidate;
        }

        int allowed = Math.Clamp(typed.Length / 3, 1, 3);
        var near = named.Select(c => (c.Candidate, Distance: Distance(c.Name, typed))).Where(c => c.Distance <= allowed).ToArray();
        return near.Length == 0 ? null : near.MinBy(c => c.Distance).Candidate;
    }

    /// <summary>Levenshtein distance, ignoring case.</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToUpperInvariant();
        b = b.ToUpperInvariant();
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
