using Serilog;

namespace Siamese.Host.Cli;

/// <summary>
/// The console logger that runs before a host configures Serilog (as Program.cs sets it up). A host freezes that
/// logger for itself, so a command that builds one host after another gives each a fresh one; otherwise the second
/// host's logger replaces the static one and is disposed with its host, and a start-up failure would go unlogged.
/// </summary>
internal static class BootstrapLogger
{
    public const string ConsoleTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}";

    public static void Renew()
    {
        var previous = Log.Logger;
        Log.Logger = new LoggerConfiguration().WriteTo.Console(outputTemplate: ConsoleTemplate).CreateBootstrapLogger();
        (previous as IDisposable)?.Dispose();
    }
}
