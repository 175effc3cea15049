using Serilog;
using Siamese.Host;
using Siamese.Host.Commands;

BootstrapLogger.Renew();

try
{
    return await Cli.RunAsync(args);
}
finally
{
    await Log.CloseAndFlushAsync();
}
