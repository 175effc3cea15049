using System.Globalization;
using Siamese.Model;

namespace Siamese.Host.Serving;

/// <summary>
/// The names of the classes a model tells apart, in label order (label i is <see cref="Names"/>[i]): the one place
/// <c>serve</c> turns a label into the text the API and the page show.
/// </summary>
internal sealed class ModelClasses
{
    private ModelClasses(IReadOnlyList<string> names) => Names = names;

    /// <summary>The MNIST digits, "0" to "9".</summary>
    public static ModelClasses Digits { get; } = new([.. Enumerable.Range(0, 10).Select(d => d.ToString(CultureInfo.InvariantCulture))]);

    public IReadOnlyList<string> Names { get; }

    /// <summary>The classes <paramref name="model"/> recorded with its weights; the MNIST digits for a model from before models recorded them.</summary>
    public static ModelClasses Of(SiameseModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Options.Classes is { Count: > 0 } names ? new ModelClasses(names) : Digits;
    }

    /// <summary>The name of <paramref name="label"/>; a label outside the list is shown as its number.</summary>
    public string Name(int label) => label >= 0 && label < Names.Count ? Names[label] : label.ToString(CultureInfo.InvariantCulture);
}
