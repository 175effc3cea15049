using System.Text.Json;
using System.Text.Json.Serialization;

namespace Siamese.Host.Commands;

/// <summary>Writes a command's files atomically (temporary name, then rename) without taking a run folder's lock.</summary>
internal static class OutputFiles
{
    /// <summary>As <see cref="RunDirectory.Json"/>, and NaN (a table cell without pairs) written as "NaN".</summary>
    public static JsonSerializerOptions Json { get; } = new(RunDirectory.Json) { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static void WriteJson<T>(string path, T value)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.tmp-{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                JsonSerializer.Serialize(stream, value, Json);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
