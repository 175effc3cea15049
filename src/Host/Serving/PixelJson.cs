using System.Buffers;
using System.Text.Json;

namespace Siamese.Host.Serving;

/// <summary>One image field of an API request: its name, and whether it holds one image or a list of them.</summary>
internal sealed record ImageField(string Name, bool Many)
{
    public string Shape(int inputSize) => Many ? $"a list of images, each {inputSize} pixels" : $"{inputSize} pixels";
}

/// <summary>
/// Reads an API request's JSON body: an object whose fields are images as arrays of whole numbers 0–255, row-major
/// (<c>{"left": [784 numbers], "right": [...]}</c>, <c>{"images": [[...], [...]]}</c>), straight into bytes. Anything
/// else is refused with a message that says where and what: text that is not JSON, an unknown or repeated field, a
/// pixel that is not a whole number from 0 to 255 (NaN, 1e999, 0.5, -1, "7"), the wrong pixel count.
/// </summary>
internal static class PixelJson
{
    public static Dictionary<string, List<byte[]>> Parse(ReadOnlySequence<byte> body, IReadOnlyList<ImageField> fields, int inputSize, int maxImages)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var images = new Dictionary<string, List<byte[]>>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 8 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw ApiProblem.BadRequest($"The body must be a JSON object with {Expected(fields, inputSize)}.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                var field = fields.FirstOrDefault(f => f.Name == name)
                    ?? throw ApiProblem.BadRequest($"Unknown field '{name}': the body holds {Expected(fields, inputSize)}.");
                if (images.ContainsKey(name))
                {
                    throw ApiProblem.BadRequest($"Field '{name}' is given twice.");
                }

                reader.Read();
                images[name] = field.Many ? ReadImages(ref reader, name, inputSize, maxImages) : [ReadImage(ref reader, name, inputSize)];
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw ApiProblem.BadRequest("The body must hold one JSON object and nothing after it.");
            }
        }
        catch (JsonException e)
        {
            throw ApiProblem.BadRequest($"The body is not valid JSON: {e.Message}");
        }

        foreach (var field in fields.Where(f => !images.ContainsKey(f.Name)))
        {
            throw ApiProblem.BadRequest($"Field '{field.Name}' is missing: the body holds {Expected(fields, inputSize)}.");
        }

        return images;
    }

    private static string Expected(IReadOnlyList<ImageField> fields, int inputSize) =>
        string.Join(" and ", fields.Select(f => $"'{f.Name}' ({f.Shape(inputSize)})"));

    private static List<byte[]> ReadImages(ref Utf8JsonReader reader, string name, int inputSize, int maxImages)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw ApiProblem.BadRequest($"Field '{name}' must be a list of images (arrays of {inputSize} pixels); got {Describe(reader.TokenType)}.");
        }

        var images = new List<byte[]>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (images.Count == maxImages)
            {
                throw ApiProblem.BadRequest($"Field '{name}' holds more than {maxImages} images, the most one request may send (Serve:MaxImagesPerRequest).");
            }

            images.Add(ReadImage(ref reader, $"{name}[{images.Count}]", inputSize));
        }

        if (images.Count == 0)
        {
            throw ApiProblem.BadRequest($"Field '{name}' holds no image.");
        }

        return images;
    }

    private static byte[] ReadImage(ref Utf8JsonReader reader, string name, int inputSize)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw ApiProblem.BadRequest($"'{name}' must be an array of {inputSize} pixels (whole numbers 0–255, row-major); got {Describe(reader.TokenType)}.");
        }

        var pixels = new byte[inputSize];
        int count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (count == inputSize)
            {
                throw ApiProblem.BadRequest($"'{name}' has more than {inputSize} pixels; the model takes {inputSize}.");
            }

            pixels[count] = Pixel(ref reader, name, count);
            count++;
        }

        if (count != inputSize)
        {
            throw ApiProblem.BadRequest($"'{name}' has {count} pixels; the model takes {inputSize}.");
        }

        return pixels;
    }

    private static byte Pixel(ref Utf8JsonReader reader, string name, int index)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw ApiProblem.BadRequest($"Pixel {index} of '{name}' is {Describe(reader.TokenType)}; pixels are whole numbers 0–255.");
        }

        if (reader.TryGetInt32(out int value) && value is >= 0 and <= 255)
        {
            return (byte)value;
        }

        string problem = !reader.TryGetDouble(out double number) || !double.IsFinite(number) ? "not a finite number"
            : number != Math.Floor(number) ? FormattableString.Invariant($"{number}, not a whole number")
            : FormattableString.Invariant($"{number}, outside 0–255");
        throw ApiProblem.BadRequest($"Pixel {index} of '{name}' is {problem}; pixels are whole numbers 0–255.");
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => "nothing",
    };
}
