using System.Buffers.Binary;
using System.Text;
using Siamese.Build;

namespace Siamese.Model.Tests;

public sealed class ElfVersionNeedsTests : IDisposable
{
    private const string Version = "GLIBCXX_3.4.32";
    private readonly string directory = Directory.CreateTempSubdirectory("elf-tests-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void MarkWeak_StrongRequirement_SetsWeakFlagAndNothingElse()
    {
        byte[] original = SyntheticElf.Build(flags: 0);
        string path = Write("lib.so", original);

        MarkWeakOutcome outcome = ElfVersionNeeds.MarkWeak(path, Version);

        Assert.Equal(MarkWeakOutcome.Patched, outcome);
        byte[] patched = File.ReadAllBytes(path);
        Assert.Equal(original.Length, patched.Length);
        int[] changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();
        Assert.Equal([SyntheticElf.TargetFlagsOffset], changed);
        Assert.Equal(ElfVersionNeeds.VerFlgWeak, patched[SyntheticElf.TargetFlagsOffset]);
    }

    [Fact]
    public void MarkWeak_OtherFlagsSet_KeepsThem()
    {
        string path = Write("lib.so", SyntheticElf.Build(flags: 0x1));

        ElfVersionNeeds.MarkWeak(path, Version);

        Assert.Equal(0x3, File.ReadAllBytes(path)[SyntheticElf.TargetFlagsOffset]);
    }

    [Fact]
    public void MarkWeak_SecondRun_LeavesFileUntouched()
    {
        string path = Write("lib.so", SyntheticElf.Build(flags: 0));
        ElfVersionNeeds.MarkWeak(path, Version);
        byte[] afterFirst = File.ReadAllBytes(path);
        var marker = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, marker);

        MarkWeakOutcome outcome = ElfVersionNeeds.MarkWeak(path, Version);

        Assert.Equal(MarkWeakOutcome.AlreadyWeak, outcome);
        Assert.Equal(afterFirst, File.ReadAllBytes(path));
        Assert.Equal(marker, File.GetLastWriteTimeUtc(path));
    }

    [Fact]
    public void MarkWeak_Patched_KeepsLastWriteTimeAndLeavesNoTemporaryFile()
    {
        string path = Write("lib.so", SyntheticElf.Build(flags: 0));
        var marker = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, marker);

        ElfVersionNeeds.MarkWeak(path, Version);

        Assert.Equal(marker, File.GetLastWriteTimeUtc(path));
        Assert.Equal([path], Directory.GetFiles(directory));
    }

    [Fact]
    public void MarkWeak_VersionNotRequired_ReturnsNotRequiredAndLeavesFileUntouched()
    {
        byte[] original = SyntheticElf.Build(flags: 0);
        string path = Write("lib.so", original);

        MarkWeakOutcome outcome = ElfVersionNeeds.MarkWeak(path, "GLIBCXX_3.4.3");

        Assert.Equal(MarkWeakOutcome.NotRequired, outcome);
        Assert.Equal(original, File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData("bad magic")]
    [InlineData("32-bit")]
    [InlineData("big-endian")]
    [InlineData("truncated section table")]
    [InlineData("aux offset past section")]
    [InlineData("name offset past string table")]
    [InlineData("string table link out of range")]
    public void MarkWeak_MalformedFile_ThrowsElfFormatExceptionAndLeavesFileUntouched(string damage)
    {
        byte[] bytes = SyntheticElf.Damage(SyntheticElf.Build(flags: 0), damage);
        string path = Write("lib.so", bytes);

        Assert.Throws<ElfFormatException>(() => ElfVersionNeeds.MarkWeak(path, Version));

        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(directory));
    }

    [Theory]
    [InlineData("\0GLIBCXX_3.4.32\0", true)]
    [InlineData("\0GLIBCXX_3.4.320\0", false)]
    [InlineData("XGLIBCXX_3.4.32\0", false)]
    [InlineData("\0GLIBCXX_3.4.30\0", false)]
    public void ContainsVersionString_MatchesOnlyWholeNulDelimitedStrings(string content, bool expected)
    {
        string path = Write("libstdc++.so.6", Encoding.ASCII.GetBytes("padding" + content + "tail"));

        Assert.Equal(expected, ElfVersionNeeds.ContainsVersionString(path, Version));
    }

    [Fact]
    public void BuildOutput_LibLibTorchSharp_IsWeakExactlyWhenTheSystemLacksTheVersion()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string library = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        string? system = ElfVersionNeeds.FindFile(ElfVersionNeeds.DefaultLibraryDirectories, "libstdc++.so.6");
        bool systemHasVersion = system is not null && ElfVersionNeeds.ContainsVersionString(system, Version);

        using var stream = File.OpenRead(library);
        long offset = ElfVersionNeeds.FindFlagsOffset(stream, Version, out ushort flags);

        Assert.True(offset > 0);
        Assert.Equal(!systemHasVersion, (flags & ElfVersionNeeds.VerFlgWeak) != 0);
    }

    [Fact]
    public void MarkWeak_CopyOfRealLibraryWithStrongRequirement_ChangesOnlyTheFlag()
    {
        string library = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!File.Exists(library))
        {
            return;
        }

        byte[] strong = File.ReadAllBytes(library);
        long offset;
        using (var stream = new MemoryStream(strong))
        {
            offset = ElfVersionNeeds.FindFlagsOffset(stream, Version, out _);
        }

        strong[offset] &= unchecked((byte)~ElfVersionNeeds.VerFlgWeak);
        string path = Write("libLibTorchSharp.so", strong);

        Assert.Equal(MarkWeakOutcome.Patched, ElfVersionNeeds.MarkWeak(path, Version));
        Assert.Equal(MarkWeakOutcome.AlreadyWeak, ElfVersionNeeds.MarkWeak(path, Version));

        byte[] patched = File.ReadAllBytes(path);
        int[] changed = Enumerable.Range(0, strong.Length).Where(i => strong[i] != patched[i]).ToArray();
        Assert.Equal([(int)offset], changed);
        Assert.Equal(ElfVersionNeeds.VerFlgWeak, patched[offset] & ElfVersionNeeds.VerFlgWeak);
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>
    /// A minimal ELF64 file: header, .dynstr, a .gnu.version_r needing GLIBC_2.34 from libc.so.6 and
    /// GLIBCXX_3.4.30 and GLIBCXX_3.4.32 from libstdc++.so.6, and four section headers.
    /// </summary>
    private static class SyntheticElf
    {
        private const int StringsOffset = 64;
        private const int NeedsOffset = 192;
        private const int SectionsOffset = 320;
        private const string Strings = "\0libc.so.6\0GLIBC_2.34\0libstdc++.so.6\0GLIBCXX_3.4.30\0GLIBCXX_3.4.32\0";

        // Verneed entries at +0 (libc.so.6, aux at +64) and +16 (libstdc++.so.6, aux at +32 and +48).
        public const int TargetFlagsOffset = NeedsOffset + 48 + 4;

        public static byte[] Build(ushort flags)
        {
            var elf = new byte[SectionsOffset + (4 * 64)];
            Span<byte> b = elf;
            b[0] = 0x7f;
            b[1] = (byte)'E';
            b[2] = (byte)'L';
            b[3] = (byte)'F';
            b[4] = 2;
            b[5] = 1;
            b[6] = 1;
            BinaryPrimitives.WriteUInt64LittleEndian(b[0x28..], SectionsOffset);
            BinaryPrimitives.WriteUInt16LittleEndian(b[0x3A..], 64);
            BinaryPrimitives.WriteUInt16LittleEndian(b[0x3C..], 4);

            Encoding.ASCII.GetBytes(Strings).CopyTo(b[StringsOffset..]);

            Need(b[(NeedsOffset + 16)..], count: 2, file: Name("libstdc++.so.6"), aux: 16, next: 0);
            Aux(b[(NeedsOffset + 32)..], 0, Name("GLIBCXX_3.4.30"), next: 16);
            Aux(b[(NeedsOffset + 48)..], flags, Name(Version), next: 0);
            Aux(b[(NeedsOffset + 64)..], 0, Name("GLIBC_2.34"), next: 0);
            Need(b[NeedsOffset..], count: 1, file: Name("libc.so.6"), aux: 64, next: 16);

            Section(b[(SectionsOffset + 64)..], type: 3, offset: StringsOffset, size: (ulong)Strings.Length, link: 0, info: 0);
            Section(b[(SectionsOffset + 128)..], type: ElfVersionNeeds.ShtGnuVerneed, offset: NeedsOffset, size: 80, link: 1, info: 2);
            Section(b[(SectionsOffset + 192)..], type: 1, offset: 0, size: 0, link: 0, info: 0);
            return elf;
        }

        public static byte[] Damage(byte[] elf, string damage)
        {
            Span<byte> b = elf;
            switch (damage)
            {
                case "bad magic":
                    b[1] = (byte)'X';
                    break;
                case "32-bit":
                    b[4] = 1;
                    break;
                case "big-endian":
                    b[5] = 2;
                    break;
                case "truncated section table":
                    return elf[..(SectionsOffset + 100)];
                case "aux offset past section":
                    BinaryPrimitives.WriteUInt32LittleEndian(b[(NeedsOffset + 16 + 8)..], 1000);
                    break;
                case "name offset past string table":
                    BinaryPrimitives.WriteUInt32LittleEndian(b[(NeedsOffset + 32 + 8)..], 5000);
                    break;
                case "string table link out of range":
                    BinaryPrimitives.WriteUInt32LittleEndian(b[(SectionsOffset + 128 + 0x28)..], 9);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(damage), damage, null);
            }

            return elf;
        }

        private static uint Name(string name) => (uint)Strings.IndexOf("\0" + name + "\0", StringComparison.Ordinal) + 1;

        private static void Need(Span<byte> at, ushort count, uint file, uint aux, uint next)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(at, 1);
            BinaryPrimitives.WriteUInt16LittleEndian(at[2..], count);
            BinaryPrimitives.WriteUInt32LittleEndian(at[4..], file);
            BinaryPrimitives.WriteUInt32LittleEndian(at[8..], aux);
            BinaryPrimitives.WriteUInt32LittleEndian(at[12..], next);
        }

        private static void Aux(Span<byte> at, ushort flags, uint name, uint next)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(at, 0x1234);
            BinaryPrimitives.WriteUInt16LittleEndian(at[4..], flags);
            BinaryPrimitives.WriteUInt16LittleEndian(at[6..], 3);
            BinaryPrimitives.WriteUInt32LittleEndian(at[8..], name);
            BinaryPrimitives.WriteUInt32LittleEndian(at[12..], next);
        }

        private static void Section(Span<byte> at, uint type, ulong offset, ulong size, uint link, uint info)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(at[4..], type);
            BinaryPrimitives.WriteUInt64LittleEndian(at[0x18..], offset);
            BinaryPrimitives.WriteUInt64LittleEndian(at[0x20..], size);
            BinaryPrimitives.WriteUInt32LittleEndian(at[0x28..], link);
            BinaryPrimitives.WriteUInt32LittleEndian(at[0x2C..], info);
        }
    }
}
