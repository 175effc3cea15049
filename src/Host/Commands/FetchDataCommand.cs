using System.CommandLine;
using Siamese.Host.Cli;
using Siamese.Host.Configuration;

namespace Siamese.Host.Commands;

/// <summary><c>fetch-data</c>: makes sure MNIST is in <c>Data:Directory</c> (fetching and verifying it when missing), then logs the split sizes.</summary>
internal static class FetchDataCommand
{
    public static Verb Create(ProductHost product) => new(
        new Command("fetch-data", "Make sure MNIST is in Data:Directory (fetching and verifying it when missing), then print the split sizes."),
        async (parsed, overrides, token) =>
        {
            using var context = CommandContext.Create(product, overrides);
            await context.LoadSplitAsync(token).ConfigureAwait(false);
            return ExitCode.Success;
        });
}
