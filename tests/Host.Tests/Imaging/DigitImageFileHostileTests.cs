using System.Buffers.Binary;
using System.IO.Compression;
using Siamese.Host.Imaging;
using Siamese.Host.Tests.Commands;
using Siamese.Tests.Shared;

namespace Siamese.Host.Tests.Imaging;

/// <summary>
/// A user's digit picture as a hostile or damaged file has it: PNG header sizes from 0 to 2^32−1, corrupt chunks,
/// truncation, garbage, decompression bombs. Each is either loaded or refused with <see cref="UserInputException"/>
/// naming the file, never another exception type, and no attempt allocates more than <see cref="AllocationCap"/>.
/// </summary>
public sealed class DigitImageFileHostileTests : IDisposable
{
    private const int Mutants = 300;

    /// <summary>
    /// Per attempt, on the loading thread. A picture at the size limit (4096×4096) takes about 200 MiB of managed
    /// memory while it is converted; a 20000×20000 one took 3 GB before the limit.
    /// </summary>
    private const long AllocationCap = 512L << 20;

    /// <summary>Width and height values for the PNG header: empty, tiny, either side of the limit, and the 32-bit extremes.</summary>
    private static readonly uint[] Sides = [0, 1, 2, 4096, 4097, 20_000, 100_000, 1u << 30, int.MaxValue, 0x80000000, 0xFFFFFFFF];

    /// <summary>20000×20000 grey zeros: about 400 KB of PNG, 400 MB of pixels (the review's bomb was 430 KB).</summary>
    private static readonly Lazy<byte[]> Bomb = new(() => Png(20_000, 20_000, rows: 20_000));

    private readonly string _folder = Directory.CreateTempSubdirectory("siamese-pictures-").FullName;

    [Fact]
    public void Load_MutatedPictures_LoadOrRefuseWithinCap()
    {
        var valid = ValidPicture();
        var claims = Png(100_000, 100_000, rows: 1);
        var mutator = new FileMutator(seed: 6);
        var random = mutator.Random;
        var path = Path.Combine(_folder, "digit.png");
        var outcomes = new HostileOutcomes<UserInputException>(AllocationCap);
        for (int i = 0; i < Mutants; i++)
        {
            var (bytes, what) = Mutate(mutator, valid, claims);
            File.WriteAllBytes(path, bytes);
            outcomes.Attempt($"mutant {i} ({what})", () => DigitImageFile.Load(path, invert: random.Next(2) == 0), refusal =>
            {
                Assert.Contains(path, refusal.Message);
                return "refused naming the file";
            });
        }

        outcomes.AssertBothSeen();
    }

    [Fact]
    public void Load_PictureOverTheSideLimit_RefusedFromItsHeaderBeforeDecoding()
    {
        var path = Path.Combine(_folder, "bomb.png");
        File.WriteAllBytes(path, Bomb.Value);
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<UserInputException>(() => DigitImageFile.Load(path, invert: false));

        Assert.Equal($"Image {path} is 20000×20000 pixels; pictures of at most 4096×4096 are accepted (scale it down first).", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20, "the picture was decoded before its size was checked");
    }

    [Fact]
    public void Load_HeaderClaimingHundredThousandSquare_RefusedWithoutAStackTrace()
    {
        var path = Path.Combine(_folder, "claims.png");
        File.WriteAllBytes(path, Png(100_000, 100_000, rows: 1));

        var e = Assert.Throws<UserInputException>(() => DigitImageFile.Load(path, invert: false));

        Assert.Contains("is 100000×100000 pixels; pictures of at most 4096×4096 are accepted", e.Message);
    }

    [Fact]
    public void Load_LargestSideAccepted_Loads()
    {
        var path = Path.Combine(_folder, "wide.png");
        TestFiles.WriteDigitPicture(path, darkOnLight: false, width: DigitImageFile.MaxSide, height: 64);

        Assert.Equal(28 * 28, DigitImageFile.Load(path, invert: false).Pixels.Length);
    }

    [Fact]
    public void Load_FileOverTheLengthLimit_RefusedBeforeReading()
    {
        var path = Path.Combine(_folder, "long.png");
        File.WriteAllBytes(path, ValidPicture());
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(DigitImageFile.MaxFileBytes + 1);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<UserInputException>(() => DigitImageFile.Load(path, invert: false));

        Assert.Equal($"Image {path} is 67108865 bytes; picture files of at most 64 MiB are accepted.", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void Load_DirectoryOrLinkToDevZero_RefusedByName()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_folder, "folder.png")).FullName;

        Assert.Equal($"Image {folder} is a directory, not a file.", Assert.Throws<UserInputException>(() => DigitImageFile.Load(folder, invert: false)).Message);
        if (OperatingSystem.IsLinux())
        {
            var zero = Path.Combine(_folder, "zero.png");
            File.CreateSymbolicLink(zero, "/dev/zero");
            Assert.Equal(
                $"Image {zero} is a character device, not a regular file (it is a symbolic link to /dev/zero).",
                Assert.Throws<UserInputException>(() => DigitImageFile.Load(zero, invert: false)).Message);
        }
    }

    [Fact]
    public void Load_Fifo_RefusedWithoutBlocking()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var pipe = Path.Combine(_folder, "pipe.png");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [pipe]))
        {
            mkfifo.WaitForExit();
        }

        var load = Task.Factory.StartNew(() => DigitImageFile.Load(pipe, invert: false), TaskCreationOptions.LongRunning);
        if (!((IAsyncResult)load).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(30)))
        {
            // A hang guard, not a speed check: give the blocked reader an end of file, then fail.
            using (new FileStream(pipe, FileMode.Open, FileAccess.Write))
            {
            }

            Assert.Fail($"Loading {pipe} blocked on the FIFO.");
        }

        var e = Assert.IsType<UserInputException>(load.Exception?.InnerException);
        Assert.Equal($"Image {pipe} is a named pipe (FIFO), not a regular file.", e.Message);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private byte[] ValidPicture()
    {
        var path = Path.Combine(_folder, "valid.png");
        TestFiles.WriteDigitPicture(path, darkOnLight: true);
        return File.ReadAllBytes(path);
    }

    /// <summary>One seeded mutant of <paramref name="valid"/>, or a bomb, and what was done.</summary>
    private static (byte[] Bytes, string What) Mutate(FileMutator mutator, byte[] valid, byte[] claims)
    {
        var random = mutator.Random;
        var bytes = (byte[])valid.Clone();
        switch (random.Next(8))
        {
            case 0 or 1 or 2:
                // IHDR's width (offset 16) and height (20), its CRC (29) recomputed three times in four.
                uint width = Sides[random.Next(Sides.Length)];
                uint height = Sides[random.Next(Sides.Length)];
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), width);
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(20), height);
                bool crc = random.Next(4) > 0;
                if (crc)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), Crc32(bytes.AsSpan(12, 17)));
                }

                return (bytes, $"IHDR {width}x{height}{(crc ? string.Empty : " (stale CRC)")}");
            case 3:
                // Bit depth, colour type, compression, filter, interlace: any byte, CRC recomputed.
                int at = 24 + random.Next(5);
                bytes[at] = (byte)random.Next(256);
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), Crc32(bytes.AsSpan(12, 17)));
                return (bytes, $"IHDR byte {at}={bytes[at]}");
            case 4 or 5 or 6:
                // Overwritten bytes, truncation, garbage: the generic damage (the signature and IHDR are the header).
                return mutator.Mutate(valid, headerLength: 33, fields: [], bigEndian: true);
            default:
                var bomb = random.Next(2) == 0 ? Bomb.Value : claims;
                int cut = random.Next(2) == 0 ? bomb.Length : 33 + random.Next(bomb.Length - 33);
                return (bomb[..cut], $"{(bomb == claims ? "100000x100000 header" : "20000x20000 bomb")} cut at {cut}");
        }
    }

    /// <summary>An 8-bit grey PNG of <paramref name="width"/>×<paramref name="height"/> whose data holds only <paramref name="rows"/> rows of zeros.</summary>
    private static byte[] Png(int width, int height, int rows)
    {
        using var idat = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[width + 1];
            for (int r = 0; r < rows; r++)
            {
                zlib.Write(row);
            }
        }

        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        return [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Chunk("IHDR", ihdr), .. Chunk("IDAT", idat.ToArray()), .. Chunk("IEND", [])];
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    /// <summary>PNG's CRC-32 (ISO 3309, reflected polynomial 0xEDB88320).</summary>
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }
}
