using Microsoft.Extensions.Options;

namespace Siamese.Host.Configuration;

/// <summary>The <c>Output</c> section: where a run writes its files.</summary>
internal sealed class OutputOptions
{
    public const string SectionName = "Output";

    /// <summary>The run folder; empty means <c>runs/&lt;yyyyMMdd-HHmmss&gt;</c>. A resumed run keeps writing into its checkpoint's folder unless this is set.</summary>
    public string? Directory { get; set; }

    /// <summary>Also write TensorBoard event files (<c>tensorboard/</c> in the run folder): loss and accuracy per epoch.</summary>
    public bool TensorBoard { get; set; } = true;

    /// <summary>Replace a run already in <see cref="Directory"/> (its files are deleted first); without it such a folder is refused.</summary>
    public bool Overwrite { get; set; }

    public string ResolveRunDirectory(DateTimeOffset now) =>
        string.IsNullOrWhiteSpace(Directory) ? Path.Combine("runs", now.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture)) : Directory;
}
