namespace Siamese.Pipeline.Data;

/// <summary>A picture decoded to luminance: row-major, 0 (black) to 255 (white).</summary>
public sealed record GreyPicture(float[] Grey, int Width, int Height);

/// <summary>Decodes one picture file's bytes; <paramref name="name"/> names it in the error a bad picture gives.</summary>
/// <exception cref="DataFormatException">The bytes are not a picture the decoder accepts.</exception>
public delegate GreyPicture PictureDecoder(byte[] file, string name);

/// <summary>An image set as read: its classes (labelled 0, 1, … in order of group and name) and what was left out.</summary>
/// <param name="Grouped">The layout had groups (<c>&lt;group&gt;/&lt;class&gt;/&lt;picture&gt;</c>).</param>
/// <param name="SingleImageClasses">Classes left out because one image makes no same-class pair.</param>
/// <param name="IgnoredFiles">Files that are not PNG or JPEG pictures (by extension), skipped.</param>
public sealed record ImageSet(string Source, IReadOnlyList<ImageClass> Classes, bool Grouped, IReadOnlyList<string> SingleImageClasses, int IgnoredFiles)
{
    public int ImageCount => Classes.Sum(c => c.Count);
}

/// <summary>
/// Reads a folder or a <c>.zip</c> (entries read one at a time, never unpacked) of labelled pictures laid out as
/// <c>&lt;class&gt;/&lt;picture&gt;</c> or <c>&lt;group&gt;/&lt;class&gt;/&lt;picture&gt;</c> (a zip's single top folder, as zipping
/// a folder makes, is looked through), and prepares every picture (<see cref="ImagePreparation"/>). Hidden files and
/// folders and <c>__MACOSX</c> are skipped. Every size is checked against <see cref="ImageSetLimits"/> before it is
/// allocated, so a hostile folder or zip costs at most those amounts.
/// </summary>
public static class ImageFolderReader
{
    private static readonly string[] PictureExtensions = [".png", ".jpg", ".jpeg"];

    /// <summary>Folders deep a picture may be below the root.</summary>
    private const int MaxDepth = 8;

    /// <summary>Pictures read before they are decoded on every core: at most this many, and at most <see cref="ChunkBytes"/> of files.</summary>
    private const int DecodeChunk = 256;

    private const long ChunkBytes = 128L << 20;

    /// <exception cref="DataFormatException">The path is missing or unreadable, the layout is not one of the two, a picture is corrupt, or a limit is passed; the message names the file.</exception>
    public static ImageSet Read(string path, ImagePreparation preparation, PictureDecoder decode, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(preparation);
        ArgumentNullException.ThrowIfNull(decode);
        var full = Path.GetFullPath(path);
        return Read(full, preparation.Side, (file, name) =>
        {
            var picture = decode(file, name);
            return preparation.Prepare(picture.Grey, picture.Width, picture.Height);
        }, minimumPerClass: 2, cancellationToken);
    }

    /// <summary>
    /// Reads a folder or zip laid out as <see cref="Read(string, ImagePreparation, PictureDecoder, CancellationToken)"/>
    /// reads it, each picture made a <paramref name="side"/>² model input by <paramref name="prepare"/>; classes with fewer
    /// than <paramref name="minimumPerClass"/> pictures are left out (a gallery takes one, a training set two).
    /// </summary>
    /// <exception cref="DataFormatException">As the other overload.</exception>
    public static ImageSet Read(string path, int side, PicturePreparer prepare, int minimumPerClass, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(prepare);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(side);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minimumPerClass);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            using var folder = FileTree.Folder(full, MaxDepth);
            return Read(full, folder, side, prepare, minimumPerClass, cancellationToken);
        }

        if (RegularFile.Problem(full) is { } problem)
        {
            throw new DataFormatException(full, File.Exists(full) || problem != "does not exist" ? problem : "is neither a folder nor a .zip file");
        }

        if (!full.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            throw new DataFormatException(full, "is neither a folder nor a .zip file of pictures");
        }

        using var zip = FileTree.Zip(full, ImageSetLimits.MaxEntries, "an image set may have", ImageSetLimits.MaxArchiveBytes);
        return Read(full, zip, side, prepare, minimumPerClass, cancellationToken);
    }

    private static ImageSet Read(string source, FileTree pictures, int side, PicturePreparer prepare, int minimumPerClass, CancellationToken cancellationToken)
    {
        var (entries, ignored) = Select(source, pictures.Entries());
        var layout = Layout(source, entries.Select(e => e.Parts).ToList(), pictures.IsArchive);
        var byClass = entries
            .Select(e => (Key: layout.ClassOf(e.Parts), Entry: e))
            .GroupBy(x => x.Key)
            .OrderBy(g => g.Key.Group ?? string.Empty, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Name, StringComparer.Ordinal)
            .Select(g => (g.Key, Entries: g.Select(x => x.Entry).OrderBy(e => e.Name, StringComparer.Ordinal).ToList()))
            .ToList();
        var singles = byClass.Where(c => c.Entries.Count < minimumPerClass).Select(c => c.Key.Display).ToList();
        var kept = byClass.Where(c => c.Entries.Count >= minimumPerClass).ToList();
        ImageSetLimits.Check(source, kept.Count, kept.Sum(c => c.Entries.Count), side);
        if (kept.Count == 0)
        {
            throw new DataFormatException(source, entries.Count == 0
                ? $"holds no PNG or JPEG pictures{(ignored > 0 ? $" ({ignored} other files)" : string.Empty)}; lay it out as <class>/<picture> or <group>/<class>/<picture>"
                : "has no class with two pictures or more: a Siamese network learns from pairs of one class");
        }

        int imageSize = side * side;
        var classes = new List<ImageClass>(kept.Count);
        var work = kept.SelectMany((c, label) => c.Entries.Select((e, index) => (Label: label, Index: index, Entry: e))).ToList();
        var pixels = kept.Select(c => new byte[c.Entries.Count * imageSize]).ToArray();
        for (int next = 0; next < work.Count;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int first = next;
            var files = new List<byte[]>();
            for (long bytes = 0; next < work.Count && files.Count < DecodeChunk && bytes < ChunkBytes; next++)
            {
                files.Add(pictures.ReadAll(work[next].Entry, ImageSetLimits.ReadBounded));
                bytes += files[^1].Length;
            }

            try
            {
                Parallel.For(0, files.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
                {
                    var (label, index, entry) = work[first + i];
                    prepare(files[i], pictures.Describe(entry)).CopyTo(pixels[label].AsSpan(index * imageSize));
                });
            }
            catch (AggregateException e) when (e.InnerExceptions.OfType<DataFormatException>().FirstOrDefault() is { } bad)
            {
                // The first bad picture in the set's order, whichever core met it first.
                throw e.InnerExceptions.OfType<DataFormatException>().MinBy(x => work.FindIndex(w => pictures.Describe(w.Entry) == x.FilePath)) ?? bad;
            }
        }

        for (int label = 0; label < kept.Count; label++)
        {
            classes.Add(new ImageClass(label, side, side, pixels[label], kept[label].Key.Display, kept[label].Key.Group));
        }

        return new ImageSet(source, classes, layout.Grouped, singles, ignored);
    }

    /// <summary>The pictures among the entries, by extension; hidden entries and macOS metadata are skipped, other files counted.</summary>
    private static (List<FileTreeEntry> Pictures, int Ignored) Select(string source, IEnumerable<FileTreeEntry> entries)
    {
        var pictures = new List<FileTreeEntry>();
        int ignored = 0;
        foreach (var entry in entries)
        {
            if (entry.Parts.Any(p => p.StartsWith('.') || p == "__MACOSX"))
            {
                continue;
            }

            if (!PictureExtensions.Contains(Path.GetExtension(entry.Name), StringComparer.OrdinalIgnoreCase))
            {
                ignored++;
                continue;
            }

            pictures.Add(entry);
            if (pictures.Count > ImageSetLimits.MaxImages)
            {
                throw new DataFormatException(source, $"holds more than {ImageSetLimits.MaxImages:N0} pictures, the most an image set may have");
            }
        }

        return (pictures, ignored);
    }

    private static ClassLayout Layout(string source, List<string[]> paths, bool archive)
    {
        int skip = 0;
        if (archive && paths.Count > 0 && paths.All(p => p.Length > 2) && paths.Select(p => p[0]).Distinct(StringComparer.Ordinal).Count() == 1)
        {
            skip = 1;   // a zip of one folder
        }

        var depths = paths.Select(p => p.Length - skip).Distinct().Order().ToList();
        if (depths.Count > 1 || (depths.Count == 1 && depths[0] is not (2 or 3)))
        {
            var example = paths.FirstOrDefault(p => p.Length - skip is not (2 or 3)) ?? paths.First(p => p.Length - skip == depths[^1]);
            throw new DataFormatException(source, $"has pictures at different depths (such as '{string.Join('/', example)}'); lay it out as <class>/<picture> or <group>/<class>/<picture>");
        }

        return new ClassLayout(skip, depths.Count == 1 && depths[0] == 3);
    }

    /// <summary>Which parts of an entry's path name its group and class.</summary>
    private sealed record ClassLayout(int Skip, bool Grouped)
    {
        public ClassKey ClassOf(string[] parts) =>
            Grouped ? new ClassKey(parts[Skip], parts[Skip + 1]) : new ClassKey(null, parts[Skip]);
    }

    private readonly record struct ClassKey(string? Group, string Name)
    {
        public string Display => Group is null ? Name : $"{Group}/{Name}";
    }
}
