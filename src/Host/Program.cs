using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serilog;
using Siamese.Host;
using Siamese.Model;
using Siamese.Pipeline;
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
    builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));

    var configuration = builder.Configuration;
    builder.Services.AddValidatedOptions<DataOptions>(configuration, DataOptions.SectionName);
    builder.Services.AddValidator<DataOptions, DataOptionsValidator>();
    builder.Services.AddValidatedOptions<PipelineOptions>(configuration, PipelineOptions.SectionName, dataAnnotations: false).ValidatePipelineOptions();
    builder.Services.AddValidatedOptions<ModelOptions>(configuration, ModelOptions.SectionName);
    builder.Services.AddValidatedOptions<TrainingOptions>(configuration, TrainingOptions.SectionName);
    builder.Services.AddValidator<TrainingOptions, TrainingOptionsValidator>();
    builder.Services.AddValidatedOptions<OutputOptions>(configuration, OutputOptions.SectionName);
    builder.Services.AddValidator<OutputOptions, OutputOptionsValidator>();
    builder.Services.AddValidatedOptions<EvaluationOptions>(configuration, EvaluationOptions.SectionName);
    builder.Services.AddValidator<EvaluationOptions, EvaluationOptionsValidator>();

    builder.Services.AddSingleton<ExitCode>();
    builder.Services.AddSingleton<EffectiveConfiguration>();
    builder.Services.AddSingleton(services => new MnistFetcher(
        MnistFetcher.SourcesFrom(services.GetRequiredService<IOptions<DataOptions>>().Value),
        services.GetRequiredService<ILogger<MnistFetcher>>()));
    builder.Services.AddSingleton<DataService>();
    builder.Services.AddSingleton<TrainingRun>();
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
