using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Siamese.Host.Data;
using Siamese.Host.Serving;
using Siamese.Host.Tests.Commands;
using Siamese.Pipeline;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Tests.Serving;

/// <summary>
/// <c>serve</c>'s real application (<see cref="ServeHost"/>: options validated, model and gallery loaded, limits, page and
/// API) on ASP.NET Core's in-memory test server, over a tiny model trained here and the real MNIST test split. The
/// factory builds the application itself, as <c>serve</c> does, instead of running the program's entry point.
/// </summary>
internal sealed class ServeFactory : WebApplicationFactory<ServeSetup>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly ScoringGate? _gate;
    private readonly string _gallery;
    private ServeApplication? _serving;

    /// <param name="settings">Configuration over the defaults (<c>Serve:QueueLimit</c> = "0", ...).</param>
    /// <param name="gate">Where requests wait before they are scored, when the test holds them.</param>
    /// <param name="model">The tiny model's shape and recorded classes (default: <see cref="TestFiles.TinyModel"/>).</param>
    /// <param name="gallery">Makes a gallery folder under the home and returns its path (default: the MNIST test split).</param>
    public ServeFactory(IReadOnlyDictionary<string, string?>? settings = null, ScoringGate? gate = null, ModelOptions? model = null, Func<string, string>? gallery = null)
    {
        Home = Directory.CreateTempSubdirectory("siamese-serve-").FullName;
        ModelFolder = Path.Combine(Home, "runs", "tiny");
        TestFiles.WriteTinyModel(ModelFolder, options: model);
        _gallery = gallery?.Invoke(Home) ?? DigitSource.TestSplit;
        _settings = new Dictionary<string, string?>
        {
            ["Data:Directory"] = Path.Combine(HostProcess.RepositoryRoot, "data", "mnist"),
            ["Serve:Runs"] = Path.Combine(Home, "runs"),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        _gate = gate;
    }

    public string Home { get; }

    public string ModelFolder { get; }

    public ServedModel Served => _serving?.Served ?? throw new InvalidOperationException("Create a client first.");

    protected override IHostBuilder CreateHostBuilder() => new HostBuilder();

    /// <summary>Builds and starts the application as <c>serve</c> does (the builder given is the factory's placeholder, never built).</summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var web = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production, ContentRootPath = Home });
        web.Configuration.Sources.Clear();
        web.Configuration.AddInMemoryCollection(_settings);
        web.Logging.ClearProviders();
        web.WebHost.UseTestServer();
        AddProductServices(web.Services, web.Configuration);
        ServeHost.AddServing(web);
        if (_gate is not null)
        {
            web.Services.AddSingleton(_gate);
        }

        _serving = ServeHost.BuildAsync(web, new ServeSetup(ModelFile.Resolve(ModelFolder), _gallery), CancellationToken.None).GetAwaiter().GetResult();
        _serving.App.Start();
        return _serving.App;
    }

    /// <summary>What <c>serve</c> takes from the product's composition root (Program.cs): its options sections and the data service.</summary>
    private static void AddProductServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DataOptions>(configuration, DataOptions.SectionName).Services.AddValidator<DataOptions, DataOptionsValidator>();
        services.AddValidatedOptions<EvaluationOptions>(configuration, EvaluationOptions.SectionName).Services.AddValidator<EvaluationOptions, EvaluationOptionsValidator>();
        services.AddValidatedOptions<ServeOptions>(configuration, ServeOptions.SectionName).Services.AddValidator<ServeOptions, ServeOptionsValidator>();
        services.AddSingleton(provider => new MnistFetcher(MnistFetcher.SourcesFrom(provider.GetRequiredService<IOptions<DataOptions>>().Value), provider.GetRequiredService<ILogger<MnistFetcher>>()));
        services.AddSingleton<DataService>();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _serving?.Served.Dispose();
            if (Directory.Exists(Home))
            {
                Directory.Delete(Home, recursive: true);
            }
        }
    }
}

/// <summary>A gate the test opens: requests wait in it, holding their concurrency permit, and the test is told when one arrives.</summary>
internal sealed class HeldGate : ScoringGate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _arrived = new(0);

    public override async ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        _arrived.Release();
        await _open.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes when a request has reached the gate.</summary>
    public Task ArrivedAsync() => _arrived.WaitAsync();

    public void Open() => _open.TrySetResult();
}
