using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serilog;
using Siamese.Host;
using Siamese.Pipeline.Data;

Log.Logger = new LoggerConfiguration()
    .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}")
    .CreateBootstrapLogger();

try
{
    var home = ProductHome.Locate();
    Directory.SetCurrentDirectory(home);
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = home });
    builder.Services.AddSerilog((services, logger) => logger.ReadFrom.Configuration(builder.Configuration).ReadFrom.Services(services));
    builder.Services.AddSingleton<ExitCode>();
    builder.Services.AddValidatedOptions<DataOptions, DataOptionsValidator>(builder.Configuration, DataOptions.SectionName);
    builder.Services.AddSingleton(services => new MnistFetcher(
        MnistFetcher.SourcesFrom(services.GetRequiredService<IOptions<DataOptions>>().Value),
        services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<MnistFetcher>>()));
    builder.Services.AddSingleton<DataService>();
    builder.Services.AddHostedService<TrainingWorker>();

    using var host = builder.Build();
    OptionsRegistration.ValidateAll(host.Services);
    var exitCode = host.Services.GetRequiredService<ExitCode>();
    await host.RunAsync();
    return exitCode.Value;
}
catch (OptionsValidationException e)
{
    foreach (var failure in e.Failures)
    {
        Log.Fatal("Configuration error: {Problem}", failure);
    }

    return ExitCode.BadInput;
}
catch (InvalidDataException e) when (e.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase))
{
    Log.Fatal("Configuration error: {Problem} {Detail}", e.Message, e.GetBaseException().Message);
    return ExitCode.BadInput;
}
catch (Exception e)
{
    Log.Fatal(e, "The host failed to start");
    return ExitCode.Failure;
}
finally
{
    await Log.CloseAndFlushAsync();
}
