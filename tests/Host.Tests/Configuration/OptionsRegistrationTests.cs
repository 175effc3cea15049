using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Siamese.Host.Configuration;
using Siamese.Pipeline;

namespace Siamese.Host.Tests.Configuration;

/// <summary>
/// Options as the product binds them (<see cref="OptionsRegistration"/>), in process: enumerations by name in any case
/// and refused in one line naming the choices otherwise; an array given on the command line replaces the configured one.
/// </summary>
public sealed class OptionsRegistrationTests
{
    /// <summary>The product's registrations of the Model and Pipeline sections over a settings file and command-line overrides.</summary>
    private static ServiceProvider Bind(Dictionary<string, string?> file, params string[] commandLine)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(file).AddCommandLine(commandLine).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddValidatedOptions<ModelOptions>(configuration, ModelOptions.SectionName);
        services.AddValidatedOptions<PipelineOptions>(configuration, PipelineOptions.SectionName, dataAnnotations: false).ValidatePipelineOptions();
        return services.BuildServiceProvider();
    }

    private static IReadOnlyList<string> Failures(ServiceProvider services) =>
        Assert.Throws<OptionsValidationException>(() => OptionsRegistration.ValidateAll(services)).Failures.ToList();

    [Fact]
    public void ValidateAll_EnumerationNamesInAnyCase_Bind()
    {
        using var services = Bind([], "--Model:Tower=conv", "--Model:Distance=l2", "--Pipeline:Augmentation:FillMode=nearest");

        OptionsRegistration.ValidateAll(services);

        var model = services.GetRequiredService<IOptions<ModelOptions>>().Value;
        Assert.Equal((TowerKind.Conv, DistanceKind.L2), (model.Tower, model.Distance));
        Assert.Equal(FillMode.Nearest, services.GetRequiredService<IOptions<PipelineOptions>>().Value.Augmentation.FillMode);
    }

    [Theory]
    [InlineData("--Model:Tower=Cnv", "Model:Tower must be Mlp, Conv or ConvBlocks (got 'Cnv')")]
    [InlineData("--Model:Tower=1", "Model:Tower must be Mlp, Conv or ConvBlocks (got '1')")]
    [InlineData("--Pipeline:Augmentation:FillMode=mirror", "Pipeline:Augmentation:FillMode must be one of Constant, Nearest, Reflect, Wrap (got 'mirror')")]
    [InlineData("--Pipeline:Augmentation:Semantics=0", "Pipeline:Augmentation:Semantics must be one of AsNamed, TfKeras, KerasPreprocessing112 (got '0')")]
    public void ValidateAll_EnumerationNotANameOfIt_OneLineNamingTheKeyAndTheChoices(string setting, string expected)
    {
        using var services = Bind([], setting);

        Assert.Equal([expected], Failures(services));
    }

    [Theory]
    [InlineData("--Model:HiddenSizes=64,32", null)]
    [InlineData("--Model:HiddenSizes:0=64", "--Model:HiddenSizes:1=32")]
    public void ValidateAll_ArrayOnTheCommandLine_ReplacesTheConfiguredArrayWhole(string first, string? second)
    {
        var file = new Dictionary<string, string?> { ["Model:HiddenSizes:0"] = "128", ["Model:HiddenSizes:1"] = "128", ["Model:HiddenSizes:2"] = "128" };
        using var services = Bind(file, second is null ? [first] : [first, second]);

        OptionsRegistration.ValidateAll(services);

        Assert.Equal([64, 32], services.GetRequiredService<IOptions<ModelOptions>>().Value.GetHiddenSizes());
    }

    [Fact]
    public void ValidateAll_ArrayOnlyInTheFile_KeepsIt()
    {
        var file = new Dictionary<string, string?> { ["Model:HiddenSizes:0"] = "100", ["Model:HiddenSizes:1"] = "50" };
        using var services = Bind(file);

        OptionsRegistration.ValidateAll(services);

        Assert.Equal([100, 50], services.GetRequiredService<IOptions<ModelOptions>>().Value.GetHiddenSizes());
    }
}
