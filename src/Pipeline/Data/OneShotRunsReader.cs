using System.Text;

namespace Siamese.Pipeline.Data;

/// <summary>
/// One one-shot classification run as Omniglot's <c>all_runs.zip</c> lays it out: one picture per training class, the
/// test items, and each item's answer (its class). Pictures are prepared model inputs, <see cref="ImageSize"/> bytes each.
/// </summary>
/// <param name="Name">The run's folder (<c>run01</c>).</param>
/// <param name="Classes">The training pictures, in ordinal order of their paths (<c>run01/training/class01.png</c> …).</param>
/// <param name="Items">The test items, in the order of the run's <c>class_labels.txt</c> lines.</param>
/// <param name="Answers">For each item, the position in <see cref="Classes"/> of its class.</param>
public sealed record OneShotRun(string Name, IReadOnlyList<string> Classes, IReadOnlyList<string> Items, IReadOnlyList<int> Answers, byte[] ClassPixels, byte[] ItemPixels, int ImageSize)
{
    public ReadOnlySpan<byte> ClassImage(int index) => ClassPixels.AsSpan(index * ImageSize, ImageSize);

    public ReadOnlySpan<byte> ItemImage(int index) => ItemPixels.AsSpan(index * ImageSize, ImageSize);
}

/// <summary>The runs of a folder or zip in <c>all_runs.zip</c>'s format, in ordinal order of their folders.</summary>
public sealed record OneShotRunSet(string Source, IReadOnlyList<OneShotRun> Runs)
{
    public int Trials => Runs.Sum(r => r.Items.Count);
}

/// <summary>Turns one picture file's bytes into a model input; <c>name</c> names the file in the error a bad picture gives.</summary>
public delegate byte[] PicturePreparer(byte[] file, string name);

/// <summary>
/// Reads one-shot runs in the format of Omniglot's <c>all_runs.zip</c> from a folder or a <c>.zip</c> (entries read one at
/// a time, never unpacked): <c>runNN/class_labels.txt</c>, <c>runNN/training/*.png</c> (one picture per class) and
/// <c>runNN/test/*.png</c>, each line of <c>class_labels.txt</c> being <c>runNN/test/itemXX.png runNN/training/classYY.png</c>
/// (a path may also be relative to the run folder: <c>test/itemXX.png</c>). A zip's single top folder is looked through,
/// and a folder that is itself a run (it holds <c>class_labels.txt</c>) is read as the one run. Every line must name a
/// picture that is there, every test picture must have exactly one line, and every size is bounded before it is read.
/// </summary>
public static class OneShotRunsReader
{
    public const string LabelsName = "class_labels.txt";
    public const string TrainingFolder = "training";
    public const string TestFolder = "test";

    /// <summary>Runs in one set (the official set has 20).</summary>
    public const int MaxRuns = 1_000;

    /// <summary>Training classes, and test items, in one run (the official runs have 20 of each).</summary>
    public const int MaxPerRun = 1_000;

    /// <summary>Pictures in a set, over all runs: each is held prepared (side² bytes; 20,000 at 105 × 105 are 210 MiB).</summary>
    public const int MaxPictures = 20_000;

    /// <summary>A <c>class_labels.txt</c> (the official ones are 980 bytes).</summary>
    public const int MaxLabelsBytes = 1 << 20;

    /// <summary>Entries a zip may list.</summary>
    public const int MaxEntries = 200_000;

    /// <summary>Bytes read over the whole set (pictures and label files); one picture file is at most <see cref="ImageSetLimits.MaxPictureBytes"/>.</summary>
    public const long MaxReadBytes = 1L << 30;

    private static readonly string[] PictureExtensions = [".png", ".jpg", ".jpeg"];

    /// <summary>Folders deep a file may be below the root (<c>all_runs/runNN/test/itemXX.png</c> is three).</summary>
    private const int MaxDepth = 4;

    /// <exception cref="DataFormatException">The path is missing or unreadable, the layout or a <c>class_labels.txt</c> is not the format, a named picture is missing or corrupt, or a limit is passed; the message names the file.</exception>
    public static OneShotRunSet Read(string path, PicturePreparer prepare, int imageSize, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(prepare);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageSize);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            // A run folder given alone is read from its parent, where its class_labels.txt's paths start.
            bool oneRun = File.Exists(Path.Combine(full, LabelsName));
            var root = oneRun ? Path.GetDirectoryName(full.TrimEnd(Path.DirectorySeparatorChar)) ?? full : full;
            var onlyRun = oneRun ? Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar)) : null;
            using var folder = FileTree.Folder(root, MaxDepth, onlyRun);
            return Read(full, folder, onlyRun, prepare, imageSize, cancellationToken);
        }

        if (RegularFile.Problem(full) is { } problem)
        {
            throw new DataFormatException(full, problem == "does not exist" ? "does not exist (give a folder or a .zip of one-shot runs, as all_runs.zip)" : problem);
        }

        if (!full.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            throw new DataFormatException(full, "is neither a folder nor a .zip file of one-shot runs");
        }

        using var zip = FileTree.Zip(full, MaxEntries, "a set of runs may have");
        return Read(full, zip, onlyRun: null, prepare, imageSize, cancellationToken);
    }

    /// <param name="onlyRun">The run to read when a run folder was given alone; null for all.</param>
    private static OneShotRunSet Read(string source, FileTree files, string? onlyRun, PicturePreparer prepare, int imageSize, CancellationToken cancellationToken)
    {
        var entries = files.Entries().Where(e => !e.Parts.Any(p => p.StartsWith('.') || p == "__MACOSX")).ToList();

        // all_runs/run01/… (a zip of the folder): look through the single top folder when the runs' labels are one level down.
        int skip = 0;
        var tops = entries.Where(e => e.Parts.Length > 1).Select(e => e.Parts[0]).Distinct(StringComparer.Ordinal).ToList();
        if (tops.Count == 1 && !entries.Any(e => e.Parts.Length == 2 && e.Parts[1] == LabelsName) && entries.Any(e => e.Parts.Length == 3 && e.Parts[2] == LabelsName))
        {
            skip = 1;
        }

        var byRun = entries
            .Where(e => e.Parts.Length > skip + 1)
            .GroupBy(e => e.Parts[skip], StringComparer.Ordinal)
            .Where(g => onlyRun is null || g.Key == onlyRun)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        if (byRun.Count == 0)
        {
            throw new DataFormatException(source, $"holds no run folders; lay it out as all_runs.zip is: runNN/{LabelsName}, runNN/{TrainingFolder}/<class picture>, runNN/{TestFolder}/<item picture>");
        }

        if (byRun.Count > MaxRuns)
        {
            throw new DataFormatException(source, $"holds {byRun.Count:N0} run folders, more than the {MaxRuns:N0} read");
        }

        var budget = new ReadBudget(source);
        var plans = byRun.Select(g => Plan(files, g.Key, string.Join('/', g.First().Parts.Take(skip + 1)), g.ToDictionary(e => string.Join('/', e.Parts.Skip(skip + 1)), StringComparer.Ordinal), budget)).ToList();
        int pictures = plans.Sum(p => p.Classes.Count + p.Items.Count);
        if (pictures > MaxPictures)
        {
            throw new DataFormatException(source, $"names {pictures:N0} pictures, more than the {MaxPictures:N0} read (each is held prepared, {imageSize:N0} bytes)");
        }

        var runs = new List<OneShotRun>(plans.Count);
        foreach (var plan in plans)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var classPixels = Prepare(files, plan.Classes, prepare, imageSize, budget);
            var itemPixels = Prepare(files, plan.Items, prepare, imageSize, budget);
            runs.Add(new OneShotRun(
                plan.Name,
                plan.Classes.Select(e => Relative(e, skip)).ToList(),
                plan.Items.Select(e => Relative(e, skip)).ToList(),
                plan.Answers,
                classPixels,
                itemPixels,
                imageSize));
        }

        return new OneShotRunSet(source, runs);
    }

    /// <summary>What a run holds, checked against its <c>class_labels.txt</c> before any picture is decoded.</summary>
    private static RunPlan Plan(FileTree files, string run, string runPath, Dictionary<string, FileTreeEntry> inRun, ReadBudget budget)
    {
        if (!inRun.TryGetValue(LabelsName, out var labelsEntry))
        {
            throw new DataFormatException(files.DescribeFolder(runPath), $"is a run folder without its {LabelsName} (each line: <test picture> <training picture>)");
        }

        var classes = inRun.Where(e => IsPictureIn(e.Key, TrainingFolder)).OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
        var tests = inRun.Where(e => IsPictureIn(e.Key, TestFolder)).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        if (classes.Count == 0)
        {
            throw new DataFormatException(files.DescribeFolder(runPath), $"has no pictures in {TrainingFolder}/ (one per class)");
        }

        if (classes.Count > MaxPerRun || tests.Count > MaxPerRun)
        {
            throw new DataFormatException(files.DescribeFolder(runPath), $"has {classes.Count:N0} training and {tests.Count:N0} test pictures; at most {MaxPerRun:N0} of each are read");
        }

        string labelsName = files.Describe(labelsEntry);
        var text = Decode(ReadAll(files, labelsEntry, MaxLabelsBytes, budget), labelsName);
        var classIndex = classes.Select((c, i) => (c.Key, i)).ToDictionary(x => x.Key, x => x.i, StringComparer.Ordinal);
        var items = new List<FileTreeEntry>();
        var answers = new List<int>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 2)
            {
                throw new DataFormatException(labelsName, $"line {n + 1} ('{Shorten(line)}') is not '<test picture> <training picture>' (such as {run}/{TestFolder}/item01.png {run}/{TrainingFolder}/class01.png)");
            }

            string item = InRun(fields[0], run, TestFolder, labelsName, n + 1);
            string answer = InRun(fields[1], run, TrainingFolder, labelsName, n + 1);
            if (!tests.TryGetValue(item, out var itemEntry))
            {
                throw new DataFormatException(labelsName, $"line {n + 1} names {fields[0]}, which is not a picture of {run}/{TestFolder}/");
            }

            if (!classIndex.TryGetValue(answer, out int answerIndex))
            {
                throw new DataFormatException(labelsName, $"line {n + 1} names {fields[1]}, which is not a picture of {run}/{TrainingFolder}/");
            }

            if (seen.TryGetValue(item, out int first))
            {
                throw new DataFormatException(labelsName, $"line {n + 1} answers {fields[0]} again (line {first} did): each test item has one answer");
            }

            seen.Add(item, n + 1);
            items.Add(itemEntry);
            answers.Add(answerIndex);
        }

        var unanswered = tests.Keys.Where(k => !seen.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        if (unanswered.Count > 0)
        {
            throw new DataFormatException(labelsName, $"gives no answer for {run}/{unanswered[0]}{(unanswered.Count > 1 ? $" and {unanswered.Count - 1} more test pictures" : string.Empty)}");
        }

        if (items.Count == 0)
        {
            throw new DataFormatException(labelsName, "names no test items");
        }

        return new RunPlan(run, [.. classes.Select(c => c.Value)], items, answers);
    }

    private static bool IsPictureIn(string relative, string folder)
    {
        var parts = relative.Split('/');
        return parts.Length == 2 && parts[0] == folder && PictureExtensions.Contains(Path.GetExtension(parts[1]), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>A path of a <c>class_labels.txt</c> line (<c>run01/test/item01.png</c> or <c>test/item01.png</c>) as a path within the run.</summary>
    private static string InRun(string field, string run, string folder, string labelsName, int line)
    {
        var parts = field.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 3 && parts[0] != run)
        {
            throw new DataFormatException(labelsName, $"line {line} names {field}, a picture of another run than {run}");
        }

        var inRun = parts.Length == 3 ? parts[1..] : parts;
        if (inRun.Length != 2 || inRun[0] != folder)
        {
            throw new DataFormatException(labelsName, $"line {line} names {field}; expected a picture in {run}/{folder}/");
        }

        return $"{inRun[0]}/{inRun[1]}";
    }

    private static byte[] Prepare(FileTree files, IReadOnlyList<FileTreeEntry> entries, PicturePreparer prepare, int imageSize, ReadBudget budget)
    {
        var pixels = new byte[entries.Count * imageSize];
        for (int i = 0; i < entries.Count; i++)
        {
            var name = files.Describe(entries[i]);
            var image = prepare(ReadAll(files, entries[i], ImageSetLimits.MaxPictureBytes, budget), name);
            if (image.Length != imageSize)
            {
                throw new InvalidOperationException($"{name} was prepared to {image.Length} bytes; the model takes {imageSize}.");
            }

            image.CopyTo(pixels.AsSpan(i * imageSize));
        }

        return pixels;
    }

    private static string Decode(byte[] bytes, string name)
    {
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw new DataFormatException(name, "is not UTF-8 text");
        }
    }

    private static string Relative(FileTreeEntry entry, int skip) => string.Join('/', entry.Parts.Skip(skip));

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..77] + "...";

    private sealed record RunPlan(string Name, IReadOnlyList<FileTreeEntry> Classes, IReadOnlyList<FileTreeEntry> Items, IReadOnlyList<int> Answers);

    /// <summary>Bytes read so far over the set, refused past <see cref="MaxReadBytes"/>.</summary>
    private sealed class ReadBudget(string source)
    {
        private long read;

        public void Take(long bytes)
        {
            read += bytes;
            if (read > MaxReadBytes)
            {
                throw new DataFormatException(source, $"would need more than {MaxReadBytes >> 20:N0} MiB read; one-shot runs are small pictures");
            }
        }
    }

    /// <summary>One file of the set, read whole if it is within <paramref name="limit"/> and the set's budget.</summary>
    private static byte[] ReadAll(FileTree files, FileTreeEntry entry, long limit, ReadBudget budget) =>
        files.ReadAll(entry, (stream, declared, name) => Bounded(stream, declared, limit, budget, name));

    /// <summary>A stream that declares <paramref name="declared"/> bytes, read whole if that is within <paramref name="limit"/> and the set's budget (and refused if it holds more than it declared).</summary>
    private static byte[] Bounded(Stream stream, long declared, long limit, ReadBudget budget, string name)
    {
        if (declared > limit)
        {
            throw new DataFormatException(name, $"is {declared:N0} bytes; at most {limit:N0} are read");
        }

        budget.Take(declared);
        return ImageSetLimits.ReadBounded(stream, declared, name);
    }
}
