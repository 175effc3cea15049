using System.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Siamese.Host.Cli;
using Siamese.Host.Imaging;
using Siamese.Host.Configuration;
using Siamese.Host.Serving;
using Siamese.Pipeline.Data;

namespace Siamese.Host.Commands;

/// <summary>
/// <c>serve --model ...</c>: a page to draw digits on and a JSON API over the model, on 127.0.0.1:<c>Serve:Port</c> (or
/// <c>--urls</c>), until Ctrl-C or SIGTERM (exit 130).
/// </summary>
internal static partial class ServeCommand
{
    private static readonly Option<string> ModelOption = CommonOptions.Model();

    private static readonly Option<string?> UrlsOption = new("--urls")
    {
        Description = "Addresses to listen on, as ASP.NET Core takes them (\"http://127.0.0.1:8080;http://[::1]:8080\"); default http://127.0.0.1:<Serve:Port>.",
    };

    private static readonly Option<string> GalleryOption = new("--gallery")
    {
        Description = "The images searches run against: an MNIST split (test, train, validation) or a folder of PNG/JPEG pictures whose class is the folder each is in.",
        DefaultValueFactory = _ => DigitSource.TestSplit,
    };

    private static readonly Option<bool> InvertOption = CommonOptions.Invert("A gallery folder's pictures are dark digits on light paper (default: decided per picture from its border).");

    public static Verb Create(ProductHost product) => new(
        new Command("serve", "Serve the model: a page to draw digits and compare them, and a JSON API (similarity, embed, search, identify) with an OpenAPI document.")
        {
            ModelOption, UrlsOption, GalleryOption, InvertOption,
        },
        (parsed, overrides, token) => RunAsync(product, parsed, overrides, token));

    private static async Task<int> RunAsync(ProductHost product, ParseResult parsed, string[] overrides, CancellationToken cancellationToken)
    {
        var model = CommonOptions.ResolveModel(parsed.GetValue(ModelOption)!);
        // A model that cannot score pictures (no square input, no recorded preparation) is refused here, by its description.
        _ = new ModelPicture(model.Options, invertDigits: false);

        var builder = product.CreateWebBuilder(overrides);

        // A failed start (the port is taken) is reported below in one line; the host would also log it with its stack.
        builder.Configuration.AddInMemoryCollection([new("Serilog:MinimumLevel:Override:Microsoft.Extensions.Hosting.Internal.Host", "Fatal")]);
        if (parsed.GetValue(UrlsOption) is { Length: > 0 } urls)
        {
            builder.WebHost.UseUrls(urls);
        }

        ServeHost.AddServing(builder);
        await using var serving = await ServeHost.BuildAsync(builder, new ServeSetup(model, parsed.GetValue(GalleryOption)!, parsed.GetValue(InvertOption)), cancellationToken).ConfigureAwait(false);
        var app = serving.App;
        var logger = app.Services.GetRequiredService<ILogger<ServedModel>>();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            // Kestrel could not bind (the port is taken, the address is not this machine's): one line, exit code 2.
            throw new UserInputException($"Cannot listen: {e.Message} Choose another with --urls or --Serve:Port.", e);
        }

        LogListening(logger, string.Join(", ", app.Urls));
        try
        {
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        // Stopped by a signal (ours or the host's own console lifetime): an interruption, like every verb's.
        throw new OperationCanceledException(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {Addresses} (the page at /, the API under /api, its OpenAPI document at /api/openapi/v1.json); Ctrl-C stops")]
    private static partial void LogListening(ILogger logger, string addresses);
}
