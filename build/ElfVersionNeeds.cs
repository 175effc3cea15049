// Compiled twice: by MSBuild's RoslynCodeTaskFactory for TorchSharpNativeFix.targets (netstandard2.0, so no
// spans or newer file APIs here) and by tests/Model.Tests, which defines ELF_VERSION_NEEDS_WITHOUT_TASK to leave
// out the MSBuild task class.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Siamese.Build
{
    /// <summary>What <see cref="ElfVersionNeeds.MarkWeak"/> did to a file.</summary>
    public enum MarkWeakOutcome
    {
        /// <summary>The requirement was strong and is now weak; the file was rewritten.</summary>
        Patched,

        /// <summary>The requirement was already weak; the file was not written.</summary>
        AlreadyWeak,

        /// <summary>The file does not require the version at all; the file was not written.</summary>
        NotRequired,
    }

    /// <summary>The file is not a well-formed little-endian ELF64 object.</summary>
    public sealed class ElfFormatException : Exception
    {
        public ElfFormatException(string message)
            : base(message)
        {
        }
    }

    /// <summary>
    /// Reads and edits the symbol version requirements (section type SHT_GNU_verneed, usually
    /// <c>.gnu.version_r</c>) of a little-endian ELF64 shared library.
    /// </summary>
    /// <remarks>
    /// Marking a requirement weak (VER_FLG_WEAK in <c>vna_flags</c>) makes glibc's loader accept a library whose
    /// dependency lacks that version, reporting only "weak version ... not found" under ldd. That is safe only when
    /// no relocation binds a symbol of that version, as for GLIBCXX_3.4.32 in TorchSharp 0.107.0's
    /// libLibTorchSharp.so (see ../shared/notes/torchsharp-on-older-linux.md).
    /// </remarks>
    public static class ElfVersionNeeds
    {
        public const uint ShtGnuVerneed = 0x6ffffffe;
        public const ushort VerFlgWeak = 0x2;

        private const int Elf64HeaderSize = 64;
        private const int Elf64SectionHeaderSize = 64;
        private const int VerneedSize = 16;
        private const int VernauxSize = 16;
        private const int VernauxFlagsOffset = 4;

        /// <summary>Directories searched for the system C++ runtime, in order.</summary>
        public static readonly string[] DefaultLibraryDirectories =
        {
            "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib64",
        };

        /// <summary>
        /// Finds the <c>Elf64_Vernaux</c> entry named <paramref name="version"/> and returns the file offset of its
        /// 16-bit <c>vna_flags</c> field, or -1 when the file has no such requirement.
        /// </summary>
        /// <exception cref="ElfFormatException">The headers or the verneed chain are malformed.</exception>
        public static long FindFlagsOffset(Stream elf, string version, out ushort flags)
        {
            flags = 0;
            long length = elf.Length;
            byte[] header = ReadAt(elf, 0, Elf64HeaderSize, "ELF header");
            if (header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F')
            {
                throw new ElfFormatException("missing ELF magic number");
            }

            if (header[4] != 2)
            {
                throw new ElfFormatException("not a 64-bit ELF file (EI_CLASS " + header[4] + ")");
            }

            if (header[5] != 1)
            {
                throw new ElfFormatException("not a little-endian ELF file (EI_DATA " + header[5] + ")");
            }

            ulong sectionTable = U64(header, 0x28);
            int entrySize = U16(header, 0x3A);
            ulong sectionCount = U16(header, 0x3C);
            if (sectionTable == 0)
            {
                throw new ElfFormatException("no section header table");
            }

            if (entrySize < Elf64SectionHeaderSize)
            {
                throw new ElfFormatException("section header entry size " + entrySize + " is below 64");
            }

            if (sectionCount == 0)
            {
                sectionCount = U64(ReadAt(elf, Checked(sectionTable, length), Elf64SectionHeaderSize, "section header 0"), 0x20);
            }

            if (sectionCount > (ulong)length / (ulong)entrySize)
            {
                throw new ElfFormatException("section count " + sectionCount + " exceeds the file");
            }

            byte[] sections = ReadAt(elf, Checked(sectionTable, length), (int)sectionCount * entrySize, "section header table");
            for (int i = 0; i < (int)sectionCount; i++)
            {
                int sh = i * entrySize;
                if (U32(sections, sh + 0x04) != ShtGnuVerneed)
                {
                    continue;
                }

                long needOffset = Checked(U64(sections, sh + 0x18), length);
                byte[] needs = ReadAt(elf, needOffset, CheckedSize(U64(sections, sh + 0x20), length), "SHT_GNU_verneed section");
                uint link = U32(sections, sh + 0x28);
                if (link >= sectionCount)
                {
                    throw new ElfFormatException("SHT_GNU_verneed sh_link " + link + " is not a section");
                }

                int st = (int)link * entrySize;
                byte[] strings = ReadAt(
                    elf,
                    Checked(U64(sections, st + 0x18), length),
                    CheckedSize(U64(sections, st + 0x20), length),
                    "SHT_GNU_verneed string table");
                int flagsAt = FindInChain(needs, U32(sections, sh + 0x2C), strings, Encoding.ASCII.GetBytes(version));
                if (flagsAt < 0)
                {
                    return -1;
                }

                flags = U16(needs, flagsAt);
                return needOffset + flagsAt;
            }

            return -1;
        }

        /// <summary>
        /// Sets VER_FLG_WEAK on the requirement <paramref name="version"/> in the ELF file at <paramref name="path"/>.
        /// A strong requirement is rewritten through a temporary copy in the same directory and a rename, so an
        /// interrupted run leaves either the old or the new file; otherwise the file is not written.
        /// </summary>
        /// <remarks>
        /// The rewritten file keeps the original's size and last-write time, so MSBuild's incremental copy
        /// (SkipUnchangedFiles compares exactly those) leaves the patched copy in place on the next build.
        /// </remarks>
        public static MarkWeakOutcome MarkWeak(string path, string version)
        {
            long offset;
            ushort flags;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                offset = FindFlagsOffset(stream, version, out flags);
            }

            if (offset < 0)
            {
                return MarkWeakOutcome.NotRequired;
            }

            if ((flags & VerFlgWeak) != 0)
            {
                return MarkWeakOutcome.AlreadyWeak;
            }

            DateTime lastWrite = File.GetLastWriteTimeUtc(path);
            string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                File.Copy(path, temp);
                using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                    offset = FindFlagsOffset(stream, version, out flags);
                    if (offset < 0)
                    {
                        throw new IOException(path + " changed while it was being patched");
                    }

                    ushort weak = (ushort)(flags | VerFlgWeak);
                    stream.Position = offset;
                    stream.WriteByte((byte)weak);
                    stream.WriteByte((byte)(weak >> 8));
                    stream.Flush(true);
                }

                File.SetLastWriteTimeUtc(temp, lastWrite);

                File.Replace(temp, path, null);
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }

            return MarkWeakOutcome.Patched;
        }

        /// <summary>
        /// Whether the file contains <paramref name="version"/> as a NUL-delimited string, as a shared library
        /// that defines that symbol version does in its dynamic string table.
        /// </summary>
        public static bool ContainsVersionString(string path, string version)
        {
            byte[] data = File.ReadAllBytes(path);
            byte[] pattern = Encoding.ASCII.GetBytes("\0" + version + "\0");
            for (int i = Array.IndexOf(data, pattern[0]); i >= 0 && i <= data.Length - pattern.Length; i = Array.IndexOf(data, pattern[0], i + 1))
            {
                int j = 1;
                while (j < pattern.Length && data[i + j] == pattern[j])
                {
                    j++;
                }

                if (j == pattern.Length)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The first existing <paramref name="fileName"/> in <paramref name="directories"/>, or null.</summary>
        public static string? FindFile(IEnumerable<string> directories, string fileName)
        {
            foreach (string directory in directories)
            {
                string candidate = Path.Combine(directory, fileName);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }

        private static int FindInChain(byte[] needs, uint needCount, byte[] strings, byte[] name)
        {
            // vn_next/vna_next are relative offsets; cap the walk by the section size so a cycle cannot loop forever.
            int maxEntries = needs.Length / VerneedSize;
            long need = 0;
            for (int n = 0; n < maxEntries && (needCount == 0 || n < needCount); n++)
            {
                RequireEntry(needs, need, VerneedSize, "Elf64_Verneed");
                int auxCount = U16(needs, (int)need + 2);
                long aux = need + U32(needs, (int)need + 8);
                for (int a = 0; a < auxCount && a < maxEntries; a++)
                {
                    RequireEntry(needs, aux, VernauxSize, "Elf64_Vernaux");
                    if (NameEquals(strings, U32(needs, (int)aux + 8), name))
                    {
                        return (int)aux + VernauxFlagsOffset;
                    }

                    uint nextAux = U32(needs, (int)aux + 12);
                    if (nextAux == 0)
                    {
                        break;
                    }

                    aux += nextAux;
                }

                uint next = U32(needs, (int)need + 12);
                if (next == 0)
                {
                    break;
                }

                need += next;
            }

            return -1;
        }

        private static bool NameEquals(byte[] strings, uint offset, byte[] name)
        {
            if (offset >= (uint)strings.Length)
            {
                throw new ElfFormatException("version name offset " + offset + " is outside the string table");
            }

            int start = (int)offset;
            if (strings.Length - start < name.Length + 1)
            {
                return false;
            }

            for (int i = 0; i < name.Length; i++)
            {
                if (strings[start + i] != name[i])
                {
                    return false;
                }
            }

            return strings[start + name.Length] == 0;
        }

        private static void RequireEntry(byte[] section, long at, int size, string what)
        {
            if (at < 0 || at > section.Length - size)
            {
                throw new ElfFormatException(what + " at offset " + at + " runs past the end of its section");
            }
        }

        private static long Checked(ulong offset, long length)
        {
            if (offset > (ulong)length)
            {
                throw new ElfFormatException("offset " + offset + " is beyond the end of the file (" + length + " bytes)");
            }

            return (long)offset;
        }

        private static int CheckedSize(ulong size, long length)
        {
            if (size > (ulong)length || size > int.MaxValue)
            {
                throw new ElfFormatException("section size " + size + " exceeds the file");
            }

            return (int)size;
        }

        private static byte[] ReadAt(Stream stream, long offset, int count, string what)
        {
            if (offset + count > stream.Length)
            {
                throw new ElfFormatException(what + " (" + count + " bytes at offset " + offset + ") runs past the end of the file");
            }

            var buffer = new byte[count];
            stream.Position = offset;
            int read = 0;
            while (read < count)
            {
                int n = stream.Read(buffer, read, count - read);
                if (n == 0)
                {
                    throw new ElfFormatException(what + " is truncated");
                }

                read += n;
            }

            return buffer;
        }

        private static ushort U16(byte[] b, int at) => (ushort)(b[at] | b[at + 1] << 8);

        private static uint U32(byte[] b, int at) => (uint)(b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24);

        private static ulong U64(byte[] b, int at) => U32(b, at) | (ulong)U32(b, at + 4) << 32;
    }

#if !ELF_VERSION_NEEDS_WITHOUT_TASK
    /// <summary>
    /// MSBuild task: marks the requirement <see cref="Version"/> weak in each of <see cref="Files"/>, unless the
    /// system's <see cref="SystemLibrary"/> already defines that version.
    /// </summary>
    public sealed class MarkElfVersionWeak : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        [Microsoft.Build.Framework.Required]
        public string Version { get; set; } = string.Empty;

        public string SystemLibrary { get; set; } = "libstdc++.so.6";

        public string[] SystemLibraryDirectories { get; set; } = ElfVersionNeeds.DefaultLibraryDirectories;

        public override bool Execute()
        {
            const Microsoft.Build.Framework.MessageImportance Low = Microsoft.Build.Framework.MessageImportance.Low;
            string? system = ElfVersionNeeds.FindFile(SystemLibraryDirectories, SystemLibrary);
            if (system != null && ElfVersionNeeds.ContainsVersionString(system, Version))
            {
                Log.LogMessage(Low, "{0} defines {1}; TorchSharp native fix not needed.", system, Version);
                return true;
            }

            foreach (Microsoft.Build.Framework.ITaskItem item in Files)
            {
                string path = item.GetMetadata("FullPath");
                try
                {
                    switch (ElfVersionNeeds.MarkWeak(path, Version))
                    {
                        case MarkWeakOutcome.Patched:
                            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, "Marked version requirement {0} weak in {1}.", Version, path);
                            break;
                        case MarkWeakOutcome.AlreadyWeak:
                            Log.LogMessage(Low, "Version requirement {0} is already weak in {1}.", Version, path);
                            break;
                        default:
                            Log.LogMessage(Low, "{0} does not require {1}.", path, Version);
                            break;
                    }
                }
                catch (ElfFormatException e)
                {
                    Log.LogError(null, "TSNF001", null, path, 0, 0, 0, 0, "Cannot apply the TorchSharp native fix to {0}: malformed ELF file: {1}", path, e.Message);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    Log.LogError(null, "TSNF002", null, path, 0, 0, 0, 0, "Cannot apply the TorchSharp native fix to {0}: {1}", path, e.Message);
                }
            }

            return !Log.HasLoggedErrors;
        }
    }
#endif
}
