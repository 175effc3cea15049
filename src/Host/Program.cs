using Serilog;
using Siamese.Host;

Log.Logger = new LoggerConfiguration()
    .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}")
    .CreateBootstrapLogger();

try
{
    return await Cli.RunAsync(args);
}
finally
{
    await Log.CloseAndFlushAsync();
}
