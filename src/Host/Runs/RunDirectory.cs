using Siamese.Model;

namespace Siamese.Host.Runs;

/// <summary>
/// A run's output folder, held exclusively while the run lives (a <see cref="RunFiles.Lock"/> file another instance
/// cannot open). Every file in it is written with <see cref="AtomicFile"/>, and opening the folder removes the
/// temporaries a killed write left.
/// </summary>
internal sealed class RunDirectory : IDisposable
{
    private const string WriteTest = ".write-test";

    /// <summary>
    /// The HResults .NET gives when another process holds the lock: on Linux the flock() errno EWOULDBLOCK (11, measured
    /// here), on Windows ERROR_SHARING_VIOLATION. Anything else (a read-only file system, EROFS 30) is not a lock.
    /// </summary>
    private static readonly int[] LockHeld = [11, unchecked((int)0x80070020)];

    private readonly FileStream _lock;

    /// <summary>The outermost folder <see cref="Open"/> created (the run folder or an ancestor), or null when it existed.</summary>
    private readonly string? _created;

    private RunDirectory(string path, FileStream runLock, string? created)
    {
        Path = path;
        _lock = runLock;
        _created = created;
    }

    public string Path { get; }

    public string CheckpointPath => File(RunFiles.Checkpoint);

    /// <summary>Creates (or reopens) the folder, proves it writable and takes its lock.</summary>
    /// <exception cref="RunDirectoryException">The folder cannot be created or written, or another instance holds it.</exception>
    public static RunDirectory Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        string? created = null;
        for (var folder = full; folder is not null && !Directory.Exists(folder) && !System.IO.File.Exists(folder); folder = System.IO.Path.GetDirectoryName(folder))
        {
            created = folder;
        }

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
            runLock = new FileStream(System.IO.Path.Combine(full, RunFiles.Lock), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new RunDirectoryException(full, $"is not writable ({e.Message})", e);
        }
        catch (IOException e) when (LockHeld.Contains(e.HResult))
        {
            throw new RunDirectoryException(full, "is in use by another running instance (its run.lock is held); choose another Output:Directory", e);
        }
        catch (IOException e)
        {
            throw new RunDirectoryException(full, $"is not writable ({e.Message})", e);
        }

        var run = new RunDirectory(full, runLock, created);
        try
        {
            AtomicFile.RemoveLeftovers(full);
            run.WriteAllText(WriteTest, string.Empty);
            System.IO.File.Delete(run.File(WriteTest));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            run.Dispose();
            throw new RunDirectoryException(full, $"is not writable ({e.Message})", e);
        }

        return run;
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void WriteAtomically(string name, Action<Stream> write) => AtomicFile.Write(File(name), write);

    public void WriteAllText(string name, string text) => AtomicFile.WriteAllText(File(name), text);

    public void WriteJson<T>(string name, T value) => AtomicFile.WriteJson(File(name), value);

    /// <summary>
    /// Releases the folder and, when <see cref="Open"/> created it and nothing has been written in it since, removes it
    /// with the folders created for it: a run refused after claiming its folder leaves nothing behind.
    /// </summary>
    public void DisposeUnused()
    {
        Dispose();
        if (_created is not null && Directory.Exists(_created) && !Directory.EnumerateFiles(_created, "*", SearchOption.AllDirectories).Any())
        {
            Directory.Delete(_created, recursive: true);
        }
    }

    public void Dispose() => _lock.Dispose();
}

/// <summary>The run folder cannot be used; the message names it.</summary>
internal sealed class RunDirectoryException(string path, string problem, Exception? inner = null)
    : Exception($"Output directory {path} {problem}", inner);
