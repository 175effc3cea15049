using System.Text;
using System.Text.Json;

namespace Siamese.Model;

/// <summary>
/// The product's one way to write a file: into a temporary file beside the target
/// (<c>.&lt;name&gt;.tmp-&lt;pid&gt;-&lt;guid&gt;</c>), flushed to disk, then renamed over the target. A kill or a failure at
/// any moment leaves the old file or the new one, never a mix. What a killed write leaves behind matches
/// <see cref="TemporaryPattern"/>: a run folder removes all of it when it is opened (<see cref="RemoveLeftovers"/>), and
/// any write removes the leftovers of earlier, dead writers of the same file.
/// </summary>
public static class AtomicFile
{
    /// <summary>Every temporary name contains this.</summary>
    public const string TemporaryMarker = ".tmp-";

    /// <summary>A search pattern matching every temporary file a write may leave.</summary>
    public const string TemporaryPattern = "*" + TemporaryMarker + "*";

    /// <summary>JSON as the product writes it: indented; NaN (a metric not measured) written as "NaN".</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(allowIntegerValues: false) },
    };

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, creating its folder.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        WriteThrough(path, temporary =>
        {
            using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            write(stream);
            stream.Flush(flushToDisk: true);
        });
    }

    /// <summary>For writers that only take a path (a plotting library): <paramref name="render"/> writes the temporary file, which is then flushed and renamed.</summary>
    public static void WriteByPath(string path, Action<string> render)
    {
        ArgumentNullException.ThrowIfNull(render);
        WriteThrough(path, temporary =>
        {
            render(temporary);
            using var stream = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            stream.Flush(flushToDisk: true);
        });
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 12, leaveOpen: true);
            writer.Write(text);
        });

    public static void WriteJson<T>(string path, T value) =>
        Write(path, stream => JsonSerializer.Serialize(stream, value, Json));

    /// <summary>Removes the temporary files that killed writes left in <paramref name="folder"/> (and its subfolders).</summary>
    public static void RemoveLeftovers(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(folder, TemporaryPattern, SearchOption.AllDirectories))
        {
            File.Delete(file);
        }
    }

    /// <summary>Temporaries of <paramref name="name"/> whose writing process has died (killed mid-write).</summary>
    private static void RemoveDeadWriters(string folder, string name)
    {
        var prefix = $".{name}{TemporaryMarker}";
        foreach (var file in Directory.EnumerateFiles(folder, prefix + "*"))
        {
            var rest = Path.GetFileName(file.AsSpan())[prefix.Length..];
            int dash = rest.IndexOf('-');
            if (dash > 0 && int.TryParse(rest[..dash], out int pid) && !IsAlive(pid))
            {
                File.Delete(file);
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void WriteThrough(string path, Action<string> writeTemporary)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var target = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(target)!;
        var name = Path.GetFileName(target);
        var temporary = Path.Combine(folder, $".{name}{TemporaryMarker}{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(folder);
            RemoveDeadWriters(folder, name);
            writeTemporary(temporary);
            FailPoint.KillAfterWrite(name);
            File.Move(temporary, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The system's message names the temporary file, which the user never asked for; this one names the target.
            throw new IOException($"{target} cannot be written: {e.Message}", e);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                File.Delete(temporary);
            }
        }
    }
}
