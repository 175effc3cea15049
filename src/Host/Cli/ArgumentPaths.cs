using System.Text;
using Siamese.Host.Configuration;
using Siamese.Model;

namespace Siamese.Host.Cli;

/// <summary>
/// Paths given on the command line resolve against the folder the command was started in (the host later moves the
/// process into the product home, where configured paths resolve). An input that is not there but is under the
/// product home (<c>runs/&lt;folder&gt;</c> from anywhere) is taken from there.
/// </summary>
internal static class ArgumentPaths
{
    /// <summary>Must be called before the host is built; the first call fixes the invocation folder.</summary>
    public static string InvocationDirectory { get; } = Environment.CurrentDirectory;

    public static string Input(string path)
    {
        var here = Path.GetFullPath(path, InvocationDirectory);
        if (File.Exists(here) || Directory.Exists(here) || Path.IsPathRooted(path))
        {
            return here;
        }

        var home = Path.GetFullPath(path, ProductHome.Locate());
        return File.Exists(home) || Directory.Exists(home) ? home : here;
    }

    /// <summary>
    /// Where a picture goes: <paramref name="output"/> itself when it ends in <c>.png</c>, else <paramref name="fileName"/>
    /// in that folder; without <paramref name="output"/>, <paramref name="fileName"/> in <paramref name="defaultFolder"/>
    /// (relative to the product home). Refused at once when it cannot be written (see <see cref="OutputFolder"/>).
    /// </summary>
    public static string OutputPng(string? output, string defaultFolder, string fileName)
    {
        if (string.IsNullOrWhiteSpace(output))
        {
            return Path.Combine(Writable(Path.GetFullPath(defaultFolder, ProductHome.Locate())), fileName);
        }

        var full = Path.GetFullPath(output, InvocationDirectory);
        if (!full.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            return Path.Combine(Writable(full), fileName);
        }

        if (Directory.Exists(full))
        {
            throw new UserInputException($"Output {full} is a folder, not a picture file.");
        }

        Writable(Path.GetDirectoryName(full)!);
        return full;
    }

    /// <summary>
    /// A folder given with <c>--output</c>, or <paramref name="fallback"/>; refused before the command does any work when
    /// a file stands where it (or a parent) should be, or when it cannot be written (a read-only mount, a system folder),
    /// rather than after the work, with nothing to show for it.
    /// </summary>
    public static string OutputFolder(string? output, string fallback) =>
        Writable(string.IsNullOrWhiteSpace(output) ? fallback : Path.GetFullPath(output, InvocationDirectory));

    /// <summary>
    /// Proves <paramref name="folder"/> can be written without creating it: its nearest existing ancestor must be a folder
    /// that takes a file (a probe, deleted on close).
    /// </summary>
    private static string Writable(string folder)
    {
        var existing = folder;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
            {
                throw new UserInputException($"Output {folder} cannot be written: {existing} is a file, not a folder.");
            }

            existing = Path.GetDirectoryName(existing)!;
        }

        var probe = Path.Combine(existing, $".write-test{AtomicFile.TemporaryMarker}{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using var created = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = e.Message.Replace($" : '{probe}'", string.Empty, StringComparison.Ordinal)
                .Replace($" '{probe}'", string.Empty, StringComparison.Ordinal);
            throw new UserInputException($"Output {folder} cannot be written: {existing} takes no new file ({reason})", e);
        }

        return folder;
    }

    /// <summary>A file-name-safe form of a name ("test:123" → "test-123").</summary>
    public static string Slug(string text)
    {
        var slug = new StringBuilder();
        foreach (char c in text)
        {
            slug.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' ? c : '-');
        }

        return slug.ToString().Trim('-');
    }
}
