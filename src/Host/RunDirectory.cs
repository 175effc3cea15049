using System.Text.Json;

namespace Siamese.Host;

/// <summary>
/// A run's output folder, held exclusively while the run lives (a <c>run.lock</c> file another instance cannot
/// open), with atomic writes: every file is written under a temporary name, flushed to disk, then renamed over
/// its target, so a kill at any moment leaves either the old file or the new one.
/// </summary>
public sealed class RunDirectory : IDisposable
{
    public const string CheckpointName = "checkpoint.bin";
    public const string LockName = "run.lock";
    private const string TemporaryMarker = ".tmp-";

    private readonly FileStream _lock;

    private RunDirectory(string path, FileStream runLock)
    {
        Path = path;
        _lock = runLock;
    }

    public string Path { get; }

    public string CheckpointPath => File(CheckpointName);

    /// <summary>JSON as the run folder writes it: indented; NaN (a metric not measured) written as "NaN".</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Creates (or reopens) the folder, proves it writable and takes its lock.</summary>
    /// <exception cref="RunDirectoryException">The folder cannot be created or written, or another instance holds it.</exception>
    public static RunDirectory Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunDirectoryException(full, $"cannot be created ({e.Message})", e);
        }

        FileStream runLock;
        try
        {
            runLock = new FileStream(System.IO.Path.Combine(full, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new RunDirectoryException(full, $"is not writable ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw new RunDirectoryException(full, "is in use by another running instance (its run.lock is held); choose another Output:Directory", e);
        }

        var run = new RunDirectory(full, runLock);
        try
        {
            run.RemoveTemporaries();
            run.WriteAllText(".write-test", string.Empty);
            System.IO.File.Delete(run.File(".write-test"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            run.Dispose();
            throw new RunDirectoryException(full, $"is not writable ({e.Message})", e);
        }

        return run;
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void WriteAtomically(string name, Action<Stream> write)
    {
        var target = File(name);
        var temporary = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(target)!, $".{System.IO.Path.GetFileName(target)}{TemporaryMarker}{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            System.IO.File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            System.IO.File.Delete(temporary);
        }
    }

    public void WriteAllText(string name, string text) =>
        WriteAtomically(name, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(text);
        });

    public void WriteJson<T>(string name, T value) =>
        WriteAtomically(name, stream => JsonSerializer.Serialize(stream, value, Json));

    /// <summary>Temporary files of a process that was killed mid-write.</summary>
    public void RemoveTemporaries()
    {
        foreach (var file in Directory.EnumerateFiles(Path, "*" + TemporaryMarker + "*", SearchOption.AllDirectories))
        {
            System.IO.File.Delete(file);
        }
    }

    public void Dispose() => _lock.Dispose();
}

/// <summary>The run folder cannot be used; the message names it.</summary>
public sealed class RunDirectoryException(string path, string problem, Exception? inner = null)
    : Exception($"Output directory {path} {problem}", inner);
