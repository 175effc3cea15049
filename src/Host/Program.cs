using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serilog;
using Siamese.Host.Cli;
using Siamese.Host.Commands;
using Siamese.Host.Configuration;
using Siamese.Host.Data;
using Siamese.Host.Training;
using Siamese.Model;
using Siamese.Pipeline;
using Siamese.Pipeline.Data;

// The composition root. Every verb runs on a generic host that ProductHost builds from the product home's
// configuration, with Serilog and the options and services declared below.
BootstrapLogger.Renew();
try
{
    var product = new ProductHost(AddProduct, AddTraining);
    Verb[] verbs =
    [
        TrainCommand.Create(product),   // the default verb
        FetchDataCommand.Create(product),
        EvaluateCommand.Create(product),
        CompareCommand.Create(product),
        CompareRunsCommand.Create(product),
        PreviewAugmentationCommand.Create(product),
        ShowCommand.Create(product),
        ExportCommand.Create(product),
        EmbedCommand.Create(product),
        SearchCommand.Create(product),
        OneShotRunsCommand.Create(product),
        IdentifyCommand.Create(product),
        ServeCommand.Create(product),
    ];
    return await CommandLine.RunAsync(args, verbs, product);
}
finally
{
    await Log.CloseAndFlushAsync();
}

static void AddProduct(IServiceCollection services, IConfiguration configuration)
{
    // One options class per appsettings section, bound and validated at start: a bad value stops the program with
    // one line naming its key. The Training section binds twice: the loop's settings and the optimiser's.
    services.AddValidatedOptions<DataOptions>(configuration, DataOptions.SectionName).Services.AddValidator<DataOptions, DataOptionsValidator>();
    services.AddValidatedOptions<PipelineOptions>(configuration, PipelineOptions.SectionName, dataAnnotations: false).ValidatePipelineOptions();
    services.AddValidatedOptions<ModelOptions>(configuration, ModelOptions.SectionName);
    services.AddValidatedOptions<TrainingOptions>(configuration, TrainingOptions.SectionName).Services.AddValidator<TrainingOptions, TrainingOptionsValidator>();
    services.AddValidatedOptions<TrainerSettings>(configuration, TrainingOptions.SectionName);
    services.AddValidatedOptions<OutputOptions>(configuration, OutputOptions.SectionName).Services.AddValidator<OutputOptions, OutputOptionsValidator>();
    services.AddValidatedOptions<EvaluationOptions>(configuration, EvaluationOptions.SectionName).Services.AddValidator<EvaluationOptions, EvaluationOptionsValidator>();
    services.AddValidatedOptions<TelemetryOptions>(configuration, TelemetryOptions.SectionName);
    services.AddValidatedOptions<ServeOptions>(configuration, ServeOptions.SectionName).Services.AddValidator<ServeOptions, ServeOptionsValidator>();

    // Data, and every section together as one run's settings (with the model it records, built once).
    services.AddSingleton(provider => new MnistFetcher(
        MnistFetcher.SourcesFrom(provider.GetRequiredService<IOptions<DataOptions>>().Value, FailPoint.Reach),
        provider.GetRequiredService<ILogger<MnistFetcher>>()));
    services.AddSingleton<DataService>();
    services.AddSingleton(RunSettings.Bind);
}

static void AddTraining(IServiceCollection services)
{
    // A training run: the batch source the trainer consumes, the loop, and the worker the host runs.
    services.AddSingleton<IBatchSource, PipelineBatchSource>();
    services.AddSingleton<TrainingLoop>();
    services.AddSingleton<RunOutcome>();
    services.AddHostedService<TrainingWorker>();
}
