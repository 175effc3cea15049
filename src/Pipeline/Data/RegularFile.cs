using System.Runtime.InteropServices;

namespace Siamese.Pipeline.Data;

/// <summary>
/// Data and picture files are read only when they are regular files: opening a named pipe (FIFO) blocks until someone
/// writes to it, a character device such as <c>/dev/zero</c> never ends, and a directory is no file. The check looks
/// at the path (following symbolic links) without opening it.
/// </summary>
/// <remarks>
/// .NET has no public file-type API on Unix: <see cref="FileInfo.Length"/> is 0 for a FIFO and for <c>/dev/zero</c>
/// (and the link's own length for a symbolic link to either), <see cref="FileAttributes"/> says <c>Normal</c>, and
/// <see cref="FileStream.CanSeek"/> is only known once opening has already blocked. On Linux the type therefore comes
/// from <c>statx(2)</c> through libc, whose <c>struct statx</c> has one layout on every architecture (unlike
/// <c>struct stat</c>, whose layout and glibc symbol differ between architectures and versions). Where statx is not
/// available (another system, a libc without it, a sandbox refusing the call) the check falls back to what .NET
/// reports: directories and devices .NET recognises are refused, a FIFO is not detected. The path can still be swapped
/// between this check and the open; guarding against someone rewriting the data folder while it is read is out of scope.
/// </remarks>
public static partial class RegularFile
{
    private const int AtCurrentDirectory = -100;
    private const uint StatxType = 0x1;
    private const int TypeMask = 0xF000;
    private const int FifoType = 0x1000;
    private const int CharacterDeviceType = 0x2000;
    private const int DirectoryType = 0x4000;
    private const int BlockDeviceType = 0x6000;
    private const int RegularType = 0x8000;
    private const int SocketType = 0xC000;
    private const int NotPermitted = 1;
    private const int NoSuchEntry = 2;
    private const int NotADirectory = 20;
    private const int NotImplemented = 38;

    /// <summary>Why <paramref name="path"/> cannot be read as a file (a phrase to follow the path), or null when it is a regular file.</summary>
    public static string? Problem(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            return "is not a valid path (it contains a NUL character)";
        }

        if (OperatingSystem.IsLinux() && TryGetType(path, out int type, out int error))
        {
            return error switch
            {
                0 when type == RegularType => null,
                0 => TypeProblem(type) + LinkNote(path),
                NoSuchEntry or NotADirectory => "does not exist" + LinkNote(path),
                _ => $"cannot be examined ({Marshal.GetPInvokeErrorMessage(error)})",
            };
        }

        if (Directory.Exists(path))
        {
            return TypeProblem(DirectoryType);
        }

        if (!File.Exists(path))
        {
            return "does not exist";
        }

        return (File.GetAttributes(path) & FileAttributes.Device) != 0 ? "is a device, not a regular file" : null;
    }

    /// <summary>Opens <paramref name="path"/> for reading once <see cref="Problem"/> finds nothing wrong with it.</summary>
    /// <exception cref="DataFormatException">The path is not a regular file, or cannot be opened.</exception>
    internal static FileStream OpenRead(string path)
    {
        if (Problem(path) is { } problem)
        {
            throw new DataFormatException(path, problem);
        }

        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, $"cannot be read ({e.Message})", e);
        }
    }

    private static string TypeProblem(int type) => type switch
    {
        DirectoryType => "is a directory, not a file",
        FifoType => "is a named pipe (FIFO), not a regular file",
        CharacterDeviceType => "is a character device, not a regular file",
        BlockDeviceType => "is a block device, not a regular file",
        SocketType => "is a socket, not a regular file",
        _ => $"is not a regular file (file type 0x{type:X4})",
    };

    /// <summary>Where a symbolic link leads, for the message; empty for a plain path.</summary>
    private static string LinkNote(string path)
    {
        try
        {
            return File.ResolveLinkTarget(path, returnFinalTarget: true) is { } target
                ? $" (it is a symbolic link to {target.FullName})"
                : string.Empty;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    /// <returns>False when statx cannot answer here (the caller falls back); otherwise the type bits or the errno.</returns>
    private static bool TryGetType(string path, out int type, out int error)
    {
        type = 0;
        error = 0;
        try
        {
            if (Statx(AtCurrentDirectory, Path.GetFullPath(path), flags: 0, StatxType, out var status) != 0)
            {
                error = Marshal.GetLastPInvokeError();
                return error is not (NotImplemented or NotPermitted);
            }

            type = status.Mode & TypeMask;
            return (status.Mask & StatxType) != 0;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, out StatxBuffer status);

    /// <summary>The fields of Linux's <c>struct statx</c> (256 bytes, the same on every architecture) this check reads.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(0)]
        public uint Mask;

        [FieldOffset(28)]
        public ushort Mode;
    }
}
