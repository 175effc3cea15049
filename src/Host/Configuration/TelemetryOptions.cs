using System.ComponentModel.DataAnnotations;

namespace Siamese.Host.Configuration;

/// <summary>The <c>Telemetry</c> section.</summary>
internal sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>Seconds between the periodic throughput log lines; 0 turns them off.</summary>
    [Range(0, 86_400, ErrorMessage = "must be between {1} and {2} seconds")]
    public double LogInterval { get; set; } = 10;
}
