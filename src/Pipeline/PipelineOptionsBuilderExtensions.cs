using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Siamese.Pipeline;

public static class PipelineOptionsBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="PipelineOptionsValidator"/>. Combine with <c>ValidateOnStart()</c> so a bad value stops
    /// the host at start with the key's name in the message.
    /// </summary>
    public static OptionsBuilder<PipelineOptions> ValidatePipelineOptions(this OptionsBuilder<PipelineOptions> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PipelineOptions>, PipelineOptionsValidator>());
        return builder;
    }
}
