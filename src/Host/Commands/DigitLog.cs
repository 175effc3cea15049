using Microsoft.Extensions.Logging;

namespace Siamese.Host.Commands;

/// <summary>What the verbs that take digits log about them.</summary>
internal static partial class DigitLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Picture} has a light background: if it is a dark digit on paper, add --invert")]
    public static partial void LooksInverted(ILogger logger, string picture);
}
