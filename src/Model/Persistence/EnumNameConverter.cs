using System.Text.Json.Serialization;

namespace Siamese.Model;

/// <summary>
/// Writes an enumeration recorded with a model as its name and reads back only names (any case): <c>"Tower": "Conv"</c>
/// in <c>model.json</c> and checkpoint headers, however the options object is serialised.
/// </summary>
public sealed class EnumNameConverter<T>() : JsonStringEnumConverter<T>(allowIntegerValues: false)
    where T : struct, Enum;
