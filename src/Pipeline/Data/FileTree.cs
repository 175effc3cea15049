using System.IO.Compression;

namespace Siamese.Pipeline.Data;

/// <summary>One file of a <see cref="FileTree"/>: its path's parts under the root, and where to read it.</summary>
internal sealed record FileTreeEntry(string[] Parts, object Location)
{
    public string Name => Parts[^1];
}

/// <summary>Reads a file's stream whole; <c>declared</c> is the length the folder or archive gives, <c>name</c> names it in errors.</summary>
internal delegate byte[] BoundedRead(Stream stream, long declared, string name);

/// <summary>
/// A folder or a <c>.zip</c> read as one tree of files (an archive's entries read one at a time, never unpacked), for the
/// readers of image sets and of one-shot runs. Listing, opening and reading errors become
/// <see cref="DataFormatException"/>s naming the folder, archive or file; how much of a file is read is the caller's
/// <see cref="BoundedRead"/>.
/// </summary>
internal abstract class FileTree : IDisposable
{
    public abstract bool IsArchive { get; }

    public abstract IEnumerable<FileTreeEntry> Entries();

    public abstract byte[] ReadAll(FileTreeEntry entry, BoundedRead read);

    public abstract string Describe(FileTreeEntry entry);

    /// <summary>A folder of the tree, by its path under the root.</summary>
    public abstract string DescribeFolder(string relative);

    public virtual void Dispose()
    {
    }

    /// <summary>The files below <paramref name="root"/> (only below its folder <paramref name="under"/> when given; paths stay relative to the root), at most <paramref name="maxDepth"/> folders deep, links not followed.</summary>
    public static FileTree Folder(string root, int maxDepth, string? under = null) => new FolderTree(root, maxDepth, under);

    /// <summary>Opens a zip, refused when it lists more than <paramref name="maxEntries"/> entries (<paramref name="what"/> says of what: "an image set may have") or declares more than <paramref name="maxDeclaredBytes"/> unpacked.</summary>
    /// <exception cref="DataFormatException">It is not a readable zip, or a limit is passed.</exception>
    public static FileTree Zip(string path, int maxEntries, string what, long? maxDeclaredBytes = null)
    {
        try
        {
            var archive = ZipFile.OpenRead(path);
            if (archive.Entries.Count > maxEntries)
            {
                archive.Dispose();
                throw new DataFormatException(path, $"has {archive.Entries.Count:N0} entries, more than the {maxEntries:N0} {what}");
            }

            long declared = archive.Entries.Sum(e => e.Length);
            if (declared > maxDeclaredBytes)
            {
                archive.Dispose();
                throw new DataFormatException(path, $"declares {declared:N0} bytes once unpacked, more than the {maxDeclaredBytes >> 30} GiB read from an archive");
            }

            return new ZipTree(path, archive);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, $"is not a readable zip file ({e.Message})", e);
        }
    }

    private sealed class FolderTree(string root, int maxDepth, string? under) : FileTree
    {
        public override bool IsArchive => false;

        public override IEnumerable<FileTreeEntry> Entries()
        {
            var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false, MaxRecursionDepth = maxDepth };
            var folder = under is null ? root : Path.Combine(root, under);
            IEnumerator<string> files;
            try
            {
                files = Directory.EnumerateFiles(folder, "*", options).GetEnumerator();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Unlisted(folder, e);
            }

            using (files)
            {
                while (true)
                {
                    // Listed lazily, so that a reader's count limit stops a huge tree early; a folder that cannot be
                    // listed midway is named as one that cannot be listed at all.
                    bool more;
                    try
                    {
                        more = files.MoveNext();
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        throw Unlisted(folder, e);
                    }

                    if (!more)
                    {
                        yield break;
                    }

                    yield return new FileTreeEntry(Path.GetRelativePath(root, files.Current).Split(Path.DirectorySeparatorChar), files.Current);
                }
            }
        }

        public override byte[] ReadAll(FileTreeEntry entry, BoundedRead read)
        {
            var path = (string)entry.Location;
            if (RegularFile.Problem(path) is { } problem)
            {
                throw new DataFormatException(path, problem);
            }

            try
            {
                using var stream = File.OpenRead(path);
                return read(stream, stream.Length, path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DataFormatException(path, $"cannot be read ({e.Message})", e);
            }
        }

        public override string Describe(FileTreeEntry entry) => (string)entry.Location;

        public override string DescribeFolder(string relative) => Path.Combine(root, relative);

        private static DataFormatException Unlisted(string folder, Exception e) => new(folder, $"cannot be listed ({e.Message})", e);
    }

    private sealed class ZipTree(string path, ZipArchive archive) : FileTree
    {
        public override bool IsArchive => true;

        public override IEnumerable<FileTreeEntry> Entries() =>
            archive.Entries
                .Where(e => !e.FullName.EndsWith('/'))
                .Select(e => new FileTreeEntry(e.FullName.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries), e));

        public override byte[] ReadAll(FileTreeEntry entry, BoundedRead read)
        {
            var zipEntry = (ZipArchiveEntry)entry.Location;
            try
            {
                using var stream = zipEntry.Open();
                return read(stream, zipEntry.Length, Describe(entry));
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw new DataFormatException(Describe(entry), $"cannot be read from the archive ({e.Message})", e);
            }
        }

        public override string Describe(FileTreeEntry entry) => $"{path}:{((ZipArchiveEntry)entry.Location).FullName}";

        public override string DescribeFolder(string relative) => $"{path}:{relative}/";

        public override void Dispose() => archive.Dispose();
    }
}
