using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Siamese.Pipeline.Data;

namespace Siamese.Pipeline.Tests.Data;

/// <summary>Builds small IDX, .npy, .npz and npm-style tarballs in a temporary folder.</summary>
internal sealed class MnistFixtures : IDisposable
{
    public MnistFixtures()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("siamese-data-").FullName;
    }

    public string Directory { get; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    public static byte[] Idx(int magic, params int[] dims)
    {
        long count = 1;
        foreach (var d in dims)
        {
            count *= d;
        }

        var bytes = new byte[4 + (4 * dims.Length) + count];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dims[i]);
        }

        for (long i = 0; i < count; i++)
        {
            bytes[4 + (4 * dims.Length) + i] = (byte)(i % 7);
        }

        return bytes;
    }

    /// <summary>An IDX header alone (magic and dimensions, no data), for headers whose data would not fit in memory.</summary>
    public static byte[] IdxHeader(int magic, params int[] dims)
    {
        var bytes = new byte[4 + (4 * dims.Length)];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dims[i]);
        }

        return bytes;
    }

    /// <summary>Gzip of <paramref name="prefix"/> followed by <paramref name="zeros"/> zero bytes, written in chunks (a gzip bomb when large).</summary>
    public static byte[] GzipWithZeros(byte[] prefix, long zeros)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal))
        {
            gzip.Write(prefix);
            var chunk = new byte[1 << 20];
            for (long left = zeros; left > 0; left -= chunk.Length)
            {
                gzip.Write(chunk, 0, (int)Math.Min(left, chunk.Length));
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Runs mkfifo: a named pipe at <paramref name="path"/>.</summary>
    public static void MakeFifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    public static byte[] IdxLabels(params byte[] labels)
    {
        var bytes = Idx(IdxReader.LabelsMagic, labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }

    public static byte[] Npy(string descr, bool fortran, int[] shape, byte[] data)
    {
        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        var header = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shapeText}, }}";
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        var headerBytes = Encoding.Latin1.GetBytes(header);
        var bytes = new byte[10 + headerBytes.Length + data.Length];
        bytes[0] = 0x93;
        "NUMPY"u8.CopyTo(bytes.AsSpan(1));
        bytes[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)headerBytes.Length);
        headerBytes.CopyTo(bytes, 10);
        data.CopyTo(bytes, 10 + headerBytes.Length);
        return bytes;
    }

    public static byte[] Npz(IReadOnlyDictionary<string, byte[]> entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = zip.CreateEntry(name + ".npy").Open();
                stream.Write(content);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A valid mnist.npz-shaped archive: train images labelled i % 10, test images likewise.</summary>
    public static Dictionary<string, byte[]> MnistLikeArrays(int train, int test, int side = 4)
    {
        byte[] Labels(int n) => Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray();
        byte[] Pixels(int n) => Enumerable.Range(0, n * side * side).Select(i => (byte)(i % 251)).ToArray();
        return new Dictionary<string, byte[]>
        {
            ["x_train"] = Npy("|u1", false, [train, side, side], Pixels(train)),
            ["y_train"] = Npy("|u1", false, [train], Labels(train)),
            ["x_test"] = Npy("|u1", false, [test, side, side], Pixels(test)),
            ["y_test"] = Npy("|u1", false, [test], Labels(test)),
        };
    }

    /// <summary>Writes four small, mutually consistent IDX files (labels i % 10) into <see cref="Directory"/>.</summary>
    public void WriteIdxSet(int train, int test, bool gzip = false)
    {
        void Write(string name, byte[] data) =>
            File.WriteAllBytes(PathOf(gzip ? name + ".gz" : name), gzip ? Gzip(data) : data);

        Write(MnistFiles.TrainImages, Idx(IdxReader.ImagesMagic, train, 4, 4));
        Write(MnistFiles.TrainLabels, IdxLabels(Enumerable.Range(0, train).Select(i => (byte)(i % 10)).ToArray()));
        Write(MnistFiles.TestImages, Idx(IdxReader.ImagesMagic, test, 4, 4));
        Write(MnistFiles.TestLabels, IdxLabels(Enumerable.Range(0, test).Select(i => (byte)(i % 10)).ToArray()));
    }

    /// <summary>An npm-pack-style tarball holding <paramref name="files"/> under package/data/.</summary>
    public static void WriteTarball(string path, IReadOnlyDictionary<string, byte[]> files)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip);
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "package/package.json") { DataStream = new MemoryStream("{}"u8.ToArray()) });
        foreach (var (name, content) in files)
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "package/data/" + name) { DataStream = new MemoryStream(content) });
        }
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
