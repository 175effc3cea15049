using System.ComponentModel.DataAnnotations;

namespace Siamese.Model.Tests;

public sealed class ModelOptionsTests
{
    [Fact]
    public void GetHiddenSizes_NoneConfigured_IsTheTutorials()
    {
        Assert.Equal([128, 128, 128], new ModelOptions().GetHiddenSizes());
    }

    [Fact]
    public void ThrowIfInvalid_Defaults_Passes()
    {
        new ModelOptions().ThrowIfInvalid();
    }

    [Theory]
    [InlineData((DistanceKind)2)]
    [InlineData((DistanceKind)(-1))]
    public void ThrowIfInvalid_UndefinedDistance_NamesDistance(DistanceKind distance)
    {
        var options = new ModelOptions { Distance = distance };

        var error = Assert.Throws<ValidationException>(options.ThrowIfInvalid);

        Assert.Contains(nameof(ModelOptions.Distance), error.ValidationResult.MemberNames);
    }

    [Fact]
    public void ThrowIfInvalid_NonPositiveHiddenSize_NamesHiddenSizes()
    {
        var options = new ModelOptions { HiddenSizes = [128, 0] };

        var error = Assert.Throws<ValidationException>(options.ThrowIfInvalid);

        Assert.Contains(nameof(ModelOptions.HiddenSizes), error.ValidationResult.MemberNames);
    }

    [Fact]
    public void ThrowIfInvalid_DropoutOutOfRange_NamesDropout()
    {
        var options = new ModelOptions { Dropout = 1.0 };

        var error = Assert.Throws<ValidationException>(options.ThrowIfInvalid);

        Assert.Contains(nameof(ModelOptions.Dropout), error.ValidationResult.MemberNames);
    }
}
