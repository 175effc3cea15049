using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serilog;
using Siamese.Model;
using Siamese.Pipeline;
using Siamese.Pipeline.Data;

namespace Siamese.Host;

/// <summary>The generic host every command shares: configuration from the product home, Serilog, validated options, data.</summary>
internal static class ProductHost
{
    /// <param name="configurationArgs">Command-line configuration overrides (<c>--Training:Epochs=5</c>).</param>
    public static HostApplicationBuilder CreateBuilder(string[] configurationArgs)
    {
        var home = ProductHome.Locate();
        Directory.SetCurrentDirectory(home);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = configurationArgs, ContentRootPath = home });
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
        builder.Services.AddValidatedOptions<TelemetryOptions>(configuration, TelemetryOptions.SectionName);

        builder.Services.AddSingleton<ExitCode>();
        builder.Services.AddSingleton<EffectiveConfiguration>();
        builder.Services.AddSingleton(services => new MnistFetcher(
            MnistFetcher.SourcesFrom(services.GetRequiredService<IOptions<DataOptions>>().Value),
            services.GetRequiredService<ILogger<MnistFetcher>>()));
        builder.Services.AddSingleton<DataService>();
        builder.Services.AddSingleton<TrainingRun>();
        return builder;
    }

    /// <summary>Builds the host and validates every option, so a bad value fails before anything runs.</summary>
    public static IHost Build(HostApplicationBuilder builder)
    {
        var host = builder.Build();
        try
        {
            OptionsRegistration.ValidateAll(host.Services);
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Siamese.Configuration");
            foreach (var warning in OptionsRegistration.UnknownKeys(host.Services, builder.Configuration))
            {
                logger.LogWarning("Configuration: {Warning}", warning);
            }

            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
