using System.Text;
using Siamese.Host.Configuration;

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
    /// (relative to the product home).
    /// </summary>
    public static string OutputPng(string? output, string defaultFolder, string fileName)
    {
        if (string.IsNullOrWhiteSpace(output))
        {
            return Path.Combine(Path.GetFullPath(defaultFolder, ProductHome.Locate()), fileName);
        }

        var full = Path.GetFullPath(output, InvocationDirectory);
        return full.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? full : Path.Combine(full, fileName);
    }

    /// <summary>A folder given with <c>--output</c>, or <paramref name="fallback"/>.</summary>
    public static string OutputFolder(string? output, string fallback) =>
        string.IsNullOrWhiteSpace(output) ? fallback : Path.GetFullPath(output, InvocationDirectory);

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
