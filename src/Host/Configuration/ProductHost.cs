using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;

namespace Siamese.Host.Configuration;

/// <summary>
/// Builds the generic host every verb runs on: configuration from the product home (<c>appsettings.json</c>,
/// <c>appsettings.&lt;Environment&gt;.json</c>, environment variables, the command line's overrides), Serilog from its
/// section, and the product's options and services, which <c>Program.cs</c> declares.
/// </summary>
/// <param name="addProduct">The options and services of every verb.</param>
/// <param name="addTraining">What a training run adds to them: the worker the host runs, and its loop.</param>
internal sealed class ProductHost(Action<IServiceCollection, IConfiguration> addProduct, Action<IServiceCollection> addTraining)
{
    /// <summary>Adds the training worker and its services to a verb's host (<c>train</c>, each <c>compare-runs</c> variant).</summary>
    public void AddTraining(IServiceCollection services) => addTraining(services);

    /// <summary>How long a stopping host waits for the worker (which checkpoints within a step) before giving up.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(20);

    /// <param name="overrides">Command-line configuration overrides (<c>--Training:Epochs=5</c>).</param>
    /// <exception cref="ConfigurationFileException">A configuration file cannot be parsed.</exception>
    public HostApplicationBuilder CreateBuilder(string[] overrides) =>
        Configure(home => Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = overrides, ContentRootPath = home }));

    /// <summary>The same host with ASP.NET Core (Kestrel) in it, for <c>serve</c>.</summary>
    /// <inheritdoc cref="CreateBuilder"/>
    public Microsoft.AspNetCore.Builder.WebApplicationBuilder CreateWebBuilder(string[] overrides) =>
        Configure(home => Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder(new Microsoft.AspNetCore.Builder.WebApplicationOptions { Args = overrides, ContentRootPath = home }));

    private TBuilder Configure<TBuilder>(Func<string, TBuilder> create)
        where TBuilder : IHostApplicationBuilder
    {
        var home = ProductHome.Locate();
        Directory.SetCurrentDirectory(home);
        TBuilder builder;
        try
        {
            builder = create(home);
        }
        catch (InvalidDataException e)
        {
            // The JSON configuration provider's way of saying a file does not parse; its message names the file.
            throw new ConfigurationFileException($"{e.Message} {e.GetBaseException().Message}", e);
        }

        CheckProfile(builder.Environment.EnvironmentName, home);
        builder.Services.AddSerilog((services, logger) => ConfigureSerilog(logger, builder.Configuration, services));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        addProduct(builder.Services, builder.Configuration);
        return builder;
    }

    /// <summary>
    /// A profile named in <c>DOTNET_ENVIRONMENT</c> (or <c>--environment</c>) must have its settings file: the host
    /// itself skips a missing <c>appsettings.&lt;Name&gt;.json</c> silently, so <c>DOTNET_ENVIRONMENT=fast</c> would
    /// train the default recipe while the user believes it is the Fast profile. The host's own names (Production, the
    /// default; Development; Staging) need no file.
    /// </summary>
    /// <exception cref="ConfigurationFileException">The profile's file does not exist.</exception>
    internal static void CheckProfile(string name, string home)
    {
        if (name is "Production" or "Development" or "Staging" || File.Exists(Path.Combine(home, $"appsettings.{name}.json")))
        {
            return;
        }

        var profiles = Directory.EnumerateFiles(home, "appsettings.*.json")
            .Select(path => Path.GetFileName(path)["appsettings.".Length..^".json".Length])
            .Order(StringComparer.Ordinal)
            .ToList();
        var closest = Suggestions.Closest(name, profiles);
        throw new ConfigurationFileException(
            $"DOTNET_ENVIRONMENT={name}: there is no appsettings.{name}.json in {home}"
            + (closest is null ? "" : $"; did you mean {closest}?")
            + (profiles.Count == 0 ? "" : $" (profiles there: {string.Join(", ", profiles)})"));
    }

    /// <summary>
    /// Serilog from its section, with built-in defaults where the section says nothing: without sinks the console (so a
    /// product home without appsettings.json still shows what happens, errors included), without a level Information.
    /// </summary>
    private static void ConfigureSerilog(LoggerConfiguration logger, IConfiguration configuration, IServiceProvider services)
    {
        var section = configuration.GetSection("Serilog");
        if (!section.GetSection("MinimumLevel").Exists())
        {
            logger.MinimumLevel.Information().MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning).MinimumLevel.Override("System", Serilog.Events.LogEventLevel.Warning);
        }

        if (!section.GetSection("WriteTo").Exists())
        {
            logger.WriteTo.Console(outputTemplate: Cli.BootstrapLogger.ConsoleTemplate);
        }

        try
        {
            logger.ReadFrom.Configuration(configuration).ReadFrom.Services(services);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or InvalidCastException or System.Reflection.TargetInvocationException)
        {
            throw new ConfigurationFileException($"The Serilog section cannot be used: {e.GetBaseException().Message}", e);
        }
    }

    /// <summary>Every configuration key the product's options read (for suggestions when an option is mistyped).</summary>
    public IReadOnlyList<string> KnownKeys()
    {
        var services = new ServiceCollection();
        addProduct(services, new ConfigurationBuilder().Build());
        return OptionsRegistration.KnownKeys(services);
    }

    /// <summary>Builds the host and validates every option, so a bad value fails before anything runs.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">Some option is invalid; every failure names its key.</exception>
    public static IHost Build(HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return Validated(builder.Build(), builder.Configuration);
    }

    /// <summary>Validates every option of a host just built (see <see cref="Build"/>); disposes it when one is invalid.</summary>
    public static THost Validated<THost>(THost host, IConfiguration configuration)
        where THost : IHost
    {
        ArgumentNullException.ThrowIfNull(host);
        try
        {
            // A key typed on the command line or set in the environment that no option reads is refused; one in a
            // settings file is a warning (the file may be shared with other tools).
            var unknown = OptionsRegistration.UnknownKeys(host.Services, configuration);
            var typed = unknown.Where(key => ConfigurationArrays.IsTyped(configuration, key.Path)).Select(key => key.Refusal).ToList();
            OptionsRegistration.ValidateAll(host.Services, typed);
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Siamese.Configuration");
            foreach (var key in unknown.Where(key => !ConfigurationArrays.IsTyped(configuration, key.Path)))
            {
                logger.LogWarning("Configuration: {Warning}", key.Warning);
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

/// <summary>A configuration file cannot be read; the message names it and says why.</summary>
internal sealed class ConfigurationFileException(string message, Exception? inner = null) : Exception(message, inner);
