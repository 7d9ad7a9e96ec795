using System;
using System.Runtime.InteropServices;

namespace ContainerCache.Hashing;

/// <summary>
/// What the file system says about a file without reading it: size, inode, device, and the
/// modification and status-change times in nanoseconds. The change time (ctime) moves on every
/// write, rename, link or attribute change, and no tool can set it back; together with the inode
/// it tells whether a file may have changed since it was hashed.
/// </summary>
internal readonly struct FileStamp : IEquatable<FileStamp>
{
    public FileStamp(long size, long modifiedNs, long changedNs, ulong inode, ulong device, uint mode = 0)
    {
        Size = size;
        ModifiedNs = modifiedNs;
        ChangedNs = changedNs;
        Inode = inode;
        Device = device;
        Mode = mode;
    }

    public long Size { get; }
    public long ModifiedNs { get; }
    public long ChangedNs { get; }
    public ulong Inode { get; }
    public ulong Device { get; }

    /// <summary>The file's type and permission bits (st_mode), as read; not compared (a chmod moves the change time).</summary>
    public uint Mode { get; }

    public bool IsDirectory => (Mode & TypeMask) == TypeDirectory;
    public bool IsLink => (Mode & TypeMask) == TypeLink;
    public bool IsRegularFile => (Mode & TypeMask) == TypeRegular;

    /// <summary>What a file that is neither a regular file, a directory nor a link is, in words; null for those three.</summary>
    public string? SpecialType => (Mode & TypeMask) switch
    {
        TypeRegular or TypeDirectory or TypeLink => null,
        0x1000 => "a FIFO (named pipe)",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0xC000 => "a socket",
        _ => "a special file",
    };

    /// <summary>Any of the owner, group or other execute bits.</summary>
    public bool IsExecutable => (Mode & 0x49) != 0; // 0111

    private const uint TypeMask = 0xF000;
    private const uint TypeDirectory = 0x4000;
    private const uint TypeRegular = 0x8000;
    private const uint TypeLink = 0xA000;

    public bool Equals(FileStamp other) =>
        Size == other.Size && ModifiedNs == other.ModifiedNs && ChangedNs == other.ChangedNs && Inode == other.Inode && Device == other.Device;

    public override bool Equals(object? obj) => obj is FileStamp other && Equals(other);

    public override int GetHashCode() => (int)(ChangedNs ^ (long)Inode);

    /// <summary>
    /// True where stamps can be read: Linux (statx, glibc 2.28 or later). Elsewhere every file is
    /// hashed on every publish.
    /// </summary>
    public static bool Supported { get; } = Probe();

    /// <summary>The stamp of a file, of a link's target unless <paramref name="followLinks"/> is false; false when it cannot be read.</summary>
    public static bool TryRead(string path, out FileStamp stamp, bool followLinks = true) => TryRead(path, out stamp, out _, followLinks);

    /// <param name="error">When false is returned: the errno of the failed statx (such as <see cref="NoSuchEntry"/>), or 0.</param>
    public static bool TryRead(string path, out FileStamp stamp, out int error, bool followLinks = true)
    {
        stamp = default;
        error = 0;
        if (!Supported)
        {
            return false;
        }

        int flags = followLinks ? 0 : NativeMethods.SymlinkNoFollow;
        if (NativeMethods.statx(NativeMethods.AtCurrentDirectory, path, flags, NativeMethods.WantedMask, out NativeMethods.Statx result) != 0)
        {
            error = Marshal.GetLastWin32Error();
            return false;
        }

        if ((result.Mask & NativeMethods.RequiredMask) != NativeMethods.RequiredMask)
        {
            return false;
        }

        stamp = new FileStamp(
            (long)result.Size,
            result.ModifiedSeconds * 1_000_000_000L + result.ModifiedNanoseconds,
            result.ChangedSeconds * 1_000_000_000L + result.ChangedNanoseconds,
            result.Inode,
            ((ulong)result.DeviceMajor << 32) | result.DeviceMinor,
            result.Mode);
        return true;
    }

    /// <summary>errno values (the same on every Linux architecture).</summary>
    public const int NoSuchEntry = 2; // ENOENT

    public const int PermissionDenied = 13; // EACCES

    private static bool Probe()
    {
#if NET
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return NativeMethods.statx(NativeMethods.AtCurrentDirectory, "/", 0, NativeMethods.WantedMask, out NativeMethods.Statx result) == 0
                && (result.Mask & NativeMethods.RequiredMask) == NativeMethods.RequiredMask;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
#else
        return false;
#endif
    }

    private static class NativeMethods
    {
        public const int AtCurrentDirectory = -100;
        public const int SymlinkNoFollow = 0x100;

        // STATX_TYPE | STATX_MODE | STATX_MTIME | STATX_CTIME | STATX_INO | STATX_SIZE
        public const uint WantedMask = 0x1 | 0x2 | 0x40 | 0x80 | 0x100 | 0x200;

        // STATX_TYPE | STATX_MODE | STATX_MTIME | STATX_CTIME | STATX_INO | STATX_SIZE: without any of these, no stamp.
        public const uint RequiredMask = WantedMask;

        /// <summary>struct statx: the same 256-byte layout on every Linux architecture.</summary>
        [StructLayout(LayoutKind.Explicit, Size = 256)]
        public struct Statx
        {
            [FieldOffset(0)] public uint Mask;
            [FieldOffset(28)] public ushort Mode;
            [FieldOffset(32)] public ulong Inode;
            [FieldOffset(40)] public ulong Size;
            [FieldOffset(96)] public long ChangedSeconds;
            [FieldOffset(104)] public uint ChangedNanoseconds;
            [FieldOffset(112)] public long ModifiedSeconds;
            [FieldOffset(120)] public uint ModifiedNanoseconds;
            [FieldOffset(136)] public uint DeviceMajor;
            [FieldOffset(140)] public uint DeviceMinor;
        }

        [DllImport("libc", EntryPoint = "statx", ExactSpelling = true, SetLastError = true)]
        public static extern int statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, out Statx result);
    }
}
