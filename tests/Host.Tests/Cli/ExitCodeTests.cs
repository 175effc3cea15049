using Microsoft.Extensions.Options;
using Siamese.Host.Cli;
using Siamese.Host.Configuration;

namespace Siamese.Host.Tests.Cli;

/// <summary>The one exit-code rule: what the user can fix is 2, an interruption 130, anything else 1.</summary>
public sealed class ExitCodeTests
{
    public static TheoryData<Exception> BadInput => new()
    {
        new OptionsValidationException("Training", typeof(object), ["Training:Epochs must be between 1 and 10000 (got '0')"]),
        new ConfigurationFileException("appsettings.json does not parse"),
        new UserInputException("--k must be between 1 and 100"),
        new CheckpointException("run/checkpoint.bin", "is truncated"),
        new IOException("No space left on device : 'runs/a/history.csv'"),
        new UnauthorizedAccessException("Access to the path 'runs/a' is denied."),
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public void For_WhatTheUserCanFix_IsTwo(Exception exception)
    {
        Assert.Equal(ExitCode.BadInput, ExitCode.For(exception));
    }

    [Fact]
    public void For_Interruption_Is130()
    {
        Assert.Equal(ExitCode.Interrupted, ExitCode.For(new OperationCanceledException()));
    }

    [Fact]
    public void For_AFault_IsOne()
    {
        Assert.Equal(ExitCode.Failure, ExitCode.For(new InvalidOperationException("a stage failed")));
    }
}
