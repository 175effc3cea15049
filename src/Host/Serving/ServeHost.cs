using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Siamese.Host.Cli;
using Siamese.Host.Commands;
using Siamese.Host.Configuration;
using Siamese.Host.Imaging;
using Siamese.Model;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Serving;

/// <summary>What <c>serve</c> serves: the model, and the gallery its searches run against.</summary>
/// <param name="Gallery">An MNIST split name, or a folder of pictures (see <see cref="Gallery.LoadAsync"/>).</param>
/// <param name="InvertGallery">A gallery folder's pictures are dark digits on light paper.</param>
internal sealed record ServeSetup(ModelFile Model, string Gallery = DigitSource.TestSplit, bool InvertGallery = false);

/// <summary>A built <c>serve</c> application and the model it scores with; disposing it stops and releases both.</summary>
internal sealed class ServeApplication(WebApplication app, ServedModel served) : IAsyncDisposable
{
    public WebApplication App { get; } = app;

    public ServedModel Served { get; } = served;

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync().ConfigureAwait(false);
        Served.Dispose();
    }
}

/// <summary>
/// <c>serve</c>'s web application on the product's host: the limits (body and picture caps, a time limit per request,
/// a concurrency limiter), problem-details answers to every refusal, the page, the API and its OpenAPI document.
/// </summary>
internal static partial class ServeHost
{
    /// <summary>The OpenAPI document's route.</summary>
    public const string OpenApiRoute = "/api/openapi/{documentName}.json";

    /// <summary>The services <c>serve</c> adds to the product's host, all configured from the validated <c>Serve</c> section.</summary>
    public static void AddServing(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddSingleton<ScoringGate>();
        services.AddProblemDetails();
        services.AddOpenApi(options => ApiDocument.Configure(options));
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ServeOptions>>((limiter, serve) => ConfigureLimiter(limiter, serve.Value));
        services.AddRequestTimeouts(_ => { });
        services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<ServeOptions>>((timeouts, serve) => timeouts.DefaultPolicy = TimeoutPolicy(serve.Value));
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServeOptions>>((kestrel, serve) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = serve.Value.MaxRequestBodyBytes;

            // 127.0.0.1 on Serve:Port unless an address was given the ASP.NET way (--urls, ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS).
            if (new[] { "urls", "http_ports", "https_ports" }.All(key => string.IsNullOrWhiteSpace(configuration[key])))
            {
                kestrel.Listen(IPAddress.Loopback, serve.Value.Port);
            }
        });
    }

    /// <summary>
    /// Builds the application (every option validated first), loads the model and its gallery, and maps the page and
    /// the API; the caller starts it.
    /// </summary>
    public static async Task<ServeApplication> BuildAsync(WebApplicationBuilder builder, ServeSetup setup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(setup);
        var app = ProductHost.Validated(builder.Build(), builder.Configuration);
        try
        {
            var served = await LoadAsync(app.Services, setup, cancellationToken).ConfigureAwait(false);
            var options = app.Services.GetRequiredService<IOptions<ServeOptions>>().Value;
            Configure(app, served, new RunsCatalog(Path.GetFullPath(options.Runs, builder.Environment.ContentRootPath)));
            return new ServeApplication(app, served);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The model (scored with <c>Serve:TorchThreads</c> libtorch threads), its threshold and the gallery, embedded once.</summary>
    private static async Task<ServedModel> LoadAsync(IServiceProvider services, ServeSetup setup, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<ServeOptions>>().Value;
        var logger = services.GetRequiredService<ILogger<ServedModel>>();
        var model = SiameseModel.Load(setup.Model.Path, options.TorchThreads);
        try
        {
            var classes = ModelClasses.Of(model);
            var (threshold, source) = ExportCommand.Calibrated(logger, setup.Model)
                ?? (services.GetRequiredService<IOptions<EvaluationOptions>>().Value.Threshold, "Evaluation:Threshold");
            var gallery = await Gallery.LoadAsync(setup.Gallery, setup.InvertGallery, new ModelPicture(model.Options, invertDigits: false), services, options.MaxGalleryImages, cancellationToken).ConfigureAwait(false);
            gallery.Embed(model, cancellationToken);
            LogLoaded(logger, model.Source, threshold, source, gallery.Count, gallery.Name);
            return new ServedModel(model, classes, gallery, threshold, source, new ScoringSettings(options.MaxBatchPairs, options.MaxConcurrentRequests, options.TorchThreads));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static void Configure(WebApplication app, ServedModel served, RunsCatalog runs)
    {
        app.UseMiddleware<ProblemResponses>();
        app.UseStatusCodePages(ProblemResponses.StatusCodePage);
        app.UseRouting();
        app.UseRequestTimeouts();
        app.UseRateLimiter();

        var page = PageAssets.Load();
        app.MapGet("/", (HttpContext context) => page.WriteAsync(context, "index.html")).ExcludeFromDescription();
        app.MapGet("/{file}", (HttpContext context, string file) => page.WriteAsync(context, file)).ExcludeFromDescription();
        app.MapGet("/healthz", () => TypedResults.Json(new Health("ok"), ApiJson.Api.Health)).WithName("healthz").WithSummary("200 while the server is up.");
        ApiEndpoints.Map(app, served, runs);
        app.MapOpenApi(OpenApiRoute);
    }

    private static void ConfigureLimiter(RateLimiterOptions limiter, ServeOptions serve)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.AddConcurrencyLimiter(ApiEndpoints.ConcurrencyPolicy, concurrency =>
        {
            concurrency.PermitLimit = serve.MaxConcurrentRequests;
            concurrency.QueueLimit = serve.QueueLimit;
            concurrency.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
        });
        limiter.OnRejected = (rejected, token) =>
        {
            rejected.HttpContext.Response.Headers.RetryAfter = "1";
            return new ValueTask(ApiProblem.WriteAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
                string.Create(CultureInfo.InvariantCulture, $"{serve.MaxConcurrentRequests} requests are being scored and {serve.QueueLimit} are waiting (Serve:MaxConcurrentRequests, Serve:QueueLimit); try again shortly."), token));
        };
    }

    private static RequestTimeoutPolicy TimeoutPolicy(ServeOptions serve) => new()
    {
        Timeout = serve.RequestTimeout,
        TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
        WriteTimeoutResponse = context => ApiProblem.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "The request took too long",
            string.Create(CultureInfo.InvariantCulture, $"The request was not answered within {serve.RequestTimeoutSeconds} s (Serve:RequestTimeoutSeconds); the server is busy, try again shortly."), CancellationToken.None),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving {Model}: threshold {Threshold:R} from {Source}; gallery of {Count} images ({Gallery})")]
    private static partial void LogLoaded(ILogger logger, string model, double threshold, string source, int count, string gallery);
}
