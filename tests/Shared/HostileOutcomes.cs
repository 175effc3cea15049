namespace Siamese.Tests.Shared;

/// <summary>
/// The outcomes of feeding hostile or damaged files to a reader: each attempt must load, or be refused with the
/// product's own <typeparamref name="TRefusal"/> — any other exception fails the test — and must allocate less than
/// the cap on the calling thread. Shared by every test project's hostile-input tests (linked from <c>tests/Shared</c>).
/// </summary>
/// <typeparam name="TRefusal">The exception the reader refuses a bad file with.</typeparam>
internal sealed class HostileOutcomes<TRefusal>(long allocationCap)
    where TRefusal : Exception
{
    private readonly Dictionary<string, int> _reasons = new(StringComparer.Ordinal);

    public int Loaded { get; private set; }

    public int Refused { get; private set; }

    /// <summary>Refusals by reason, as <c>reasonOf</c> named them in <see cref="Attempt"/>, most frequent first.</summary>
    public string Reasons => string.Join("; ", _reasons.OrderByDescending(r => r.Value).Select(r => $"{r.Value}× {r.Key}"));

    /// <param name="what">Names the attempt in a failure (the mutant and its mutation).</param>
    /// <param name="load">Reads the file.</param>
    /// <param name="reasonOf">Checks a refusal and names its reason (by default: its type).</param>
    public void Attempt(string what, Action load, Func<TRefusal, string>? reasonOf = null)
    {
        ArgumentNullException.ThrowIfNull(load);
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            load();
            Loaded++;
        }
        catch (TRefusal e)
        {
            var reason = reasonOf?.Invoke(e) ?? typeof(TRefusal).Name;
            _reasons[reason] = _reasons.GetValueOrDefault(reason) + 1;
            Refused++;
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().FullName} instead of a {typeof(TRefusal).Name}: {e}");
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < allocationCap, $"{what}: allocated {allocated:N0} bytes, over the {allocationCap:N0} cap");
    }

    /// <summary>The mutants exercised both outcomes: some still load, some are refused.</summary>
    public void AssertBothSeen()
    {
        Assert.True(Refused > 0, $"no mutant was refused ({Loaded} loaded)");
        Assert.True(Loaded > 0, $"no mutant loaded ({Refused} refused): the mutations never left a file intact enough to test loading");
    }
}
