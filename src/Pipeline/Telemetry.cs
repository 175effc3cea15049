namespace Siamese.Pipeline;

/// <summary>The product's metrics: one meter name for every stage (<c>dotnet-counters monitor --counters Siamese</c>).</summary>
public static class Telemetry
{
    public const string MeterName = "Siamese";
}
