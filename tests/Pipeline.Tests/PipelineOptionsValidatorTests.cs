using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Siamese.Pipeline.Tests;

public sealed class PipelineOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = new PipelineOptionsValidator().Validate(null, new PipelineOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_UnknownFillMode_NamesTheKeyAndTheChoices()
    {
        var options = new PipelineOptions { Augmentation = { FillMode = (FillMode)9 } };

        var result = new PipelineOptionsValidator().Validate(null, options);

        Assert.Equal(["Pipeline:Augmentation:FillMode must be one of Constant, Nearest, Reflect, Wrap (got '9')"], result.Failures);
    }

    [Fact]
    public void Validate_UnknownSemantics_NamesTheKeyAndTheChoices()
    {
        var options = new PipelineOptions { Augmentation = { Semantics = (AugmentSemantics)7 } };

        var result = new PipelineOptionsValidator().Validate(null, options);

        Assert.Equal(["Pipeline:Augmentation:Semantics must be one of AsNamed, TfKeras, KerasPreprocessing112 (got '7')"], result.Failures);
    }

    [Theory]
    [InlineData(AugmentSemantics.AsNamed)]
    [InlineData(AugmentSemantics.TfKeras)]
    [InlineData(AugmentSemantics.KerasPreprocessing112)]
    public void Validate_KnownSemantics_Succeeds(AugmentSemantics semantics)
    {
        var options = new PipelineOptions { Augmentation = { Semantics = semantics } };

        var result = new PipelineOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    public static TheoryData<Action<PipelineOptions>, string> BadValues => new()
    {
        { o => o.BatchSize = 1, "Pipeline:BatchSize must be at least 2 (got '1')" },
        { o => o.ProducerCapacity = 0, "Pipeline:ProducerCapacity must be at least 1 (got '0')" },
        { o => o.BatchCapacity = 0, "Pipeline:BatchCapacity must be at least 1 (got '0')" },
        { o => o.BlockSize = 0, "Pipeline:BlockSize must be between 1 and 4096 (got '0')" },
        { o => o.Workers = 0, "Pipeline:Workers must be between 1 and 1024 (got '0')" },
        { o => o.Augmentation.RotationRange = -1, "Pipeline:Augmentation:RotationRange must be between 0 and 180 (got '-1')" },
        { o => o.Augmentation.WidthShiftRange = -0.1, "Pipeline:Augmentation:WidthShiftRange must be between 0 and 1000000 (got '-0.1')" },
        { o => o.Augmentation.HeightShiftRange = double.NaN, "Pipeline:Augmentation:HeightShiftRange must be between 0 and 1000000 (got 'NaN')" },
        { o => o.Augmentation.ZoomRange = 1, "Pipeline:Augmentation:ZoomRange must be between 0 and 0.999 (got '1')" },
        { o => o.Augmentation.ShearRange = 90, "Pipeline:Augmentation:ShearRange must be between 0 and 89 (got '90')" },
        { o => o.Augmentation.Rescale = 0, "Pipeline:Augmentation:Rescale must be positive and at most 1000000 (got '0')" },
        { o => o.Augmentation = null!, "Pipeline:Augmentation is required (got '')" },
        { o => o.Validation = null!, "Pipeline:Validation is required (got '')" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Validate_BadValue_FailsNamingTheKey(Action<PipelineOptions> corrupt, string message)
    {
        var options = new PipelineOptions();
        corrupt(options);

        var result = new PipelineOptionsValidator().Validate(null, options);

        Assert.Equal([message], result.Failures);
    }

    [Fact]
    public async Task Host_BadConfigurationValue_StopsAtStartNamingTheKey()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:BatchSize"] = "32",
            ["Pipeline:Augmentation:ZoomRange"] = "2",
        });
        builder.Services.AddOptions<PipelineOptions>().BindConfiguration(PipelineOptions.SectionName).ValidatePipelineOptions().ValidateOnStart();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Pipeline:Augmentation:ZoomRange must be between 0 and 0.999 (got '2')", error.Message);
    }
}
