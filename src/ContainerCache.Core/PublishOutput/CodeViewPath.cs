using System;
using System.IO;
using System.Text;

namespace ContainerCache.PublishOutput;

/// <summary>
/// The PDB path a DLL records in its debug directory (the CodeView entry, "RSDS"), where the compiler
/// writes the PDB's path as the build gave it: absolute unless a PathMap mapped it (<c>/_/…</c>).
/// A DLL built in its own folder without a mapping carries that folder, so the same sources built
/// elsewhere give other bytes.
/// </summary>
/// <remarks>
/// A reader of the PE headers alone, not System.Reflection.Metadata: the .NET Framework task
/// assembly must load in Visual Studio's MSBuild without another dependency. It reads a few hundred
/// bytes at the offsets the headers give, checks every offset and count against the file's length and
/// fixed bounds, and takes anything malformed or truncated as "no path", never an exception.
/// </remarks>
internal static class CodeViewPath
{
    private const int MaxSections = 96;
    private const int MaxDebugEntries = 32;
    private const int DebugEntrySize = 28;
    private const int SectionHeaderSize = 40;
    private const int CodeViewType = 2;

    /// <summary>Longer than any path a compiler writes; the rest of a longer entry is not read.</summary>
    private const int MaxPathBytes = 4096;

    /// <summary>
    /// The PDB path in <paramref name="file"/>'s first CodeView entry, or null when it has none
    /// (DebugType=none), is not a PE file, or cannot be read.
    /// </summary>
    public static string? Read(string file)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            return Read(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            return null;
        }
    }

    /// <summary>As <see cref="Read(string)"/>, from a seekable stream.</summary>
    public static string? Read(Stream pe)
    {
        long length = pe.Length;
        byte[]? dos = ReadAt(pe, 0, 64, length);
        if (dos is null || dos[0] != (byte)'M' || dos[1] != (byte)'Z')
        {
            return null;
        }

        long peHeader = UInt32(dos, 0x3C);
        byte[]? coff = ReadAt(pe, peHeader, 24, length);
        if (coff is null || coff[0] != (byte)'P' || coff[1] != (byte)'E' || coff[2] != 0 || coff[3] != 0)
        {
            return null;
        }

        int sectionCount = UInt16(coff, 4 + 2);
        int optionalHeaderSize = UInt16(coff, 4 + 16);
        long optionalHeader = peHeader + 24;
        byte[]? optional = ReadAt(pe, optionalHeader, optionalHeaderSize, length);
        if (optional is null || optionalHeaderSize < 2 || sectionCount is 0 or > MaxSections)
        {
            return null;
        }

        // PE32 or PE32+: where the count of data directories and the directories themselves are.
        int directories = UInt16(optional, 0) switch
        {
            0x10B => 92,
            0x20B => 108,
            _ => -1,
        };
        const int DebugDirectoryIndex = 6;
        int debugDirectory = directories + 4 + (DebugDirectoryIndex * 8);
        if (directories < 0 || optionalHeaderSize < debugDirectory + 8 || UInt32(optional, directories) <= DebugDirectoryIndex)
        {
            return null;
        }

        long debugRva = UInt32(optional, debugDirectory);
        long debugSize = UInt32(optional, debugDirectory + 4);
        if (debugRva == 0 || debugSize < DebugEntrySize)
        {
            return null;
        }

        byte[]? sections = ReadAt(pe, optionalHeader + optionalHeaderSize, sectionCount * SectionHeaderSize, length);
        long debugOffset = sections is null ? -1 : FileOffset(sections, sectionCount, debugRva, debugSize);
        if (debugOffset < 0)
        {
            return null;
        }

        int entries = (int)Math.Min(debugSize / DebugEntrySize, MaxDebugEntries);
        byte[]? debug = ReadAt(pe, debugOffset, entries * DebugEntrySize, length);
        if (debug is null)
        {
            return null;
        }

        for (int i = 0; i < entries; i++)
        {
            int entry = i * DebugEntrySize;
            if (UInt32(debug, entry + 12) == CodeViewType)
            {
                return CodeView(pe, UInt32(debug, entry + 16), UInt32(debug, entry + 24), length);
            }
        }

        return null;
    }

    /// <summary>
    /// Whether <paramref name="pdbPath"/> lies under <paramref name="directory"/> (absolute): the DLL was built
    /// there, unmapped. Either may use '\' or '/'; a mapped path (<c>/_/…</c>) never lies under a real folder.
    /// </summary>
    public static bool IsUnder(string? pdbPath, string directory)
    {
        if (string.IsNullOrEmpty(pdbPath) || directory.Length == 0)
        {
            return false;
        }

        string root = directory.Replace('\\', '/').TrimEnd('/') + "/";
        string path = pdbPath!.Replace('\\', '/');
        // Paths on Windows (a drive letter, or \\server) compare as Windows does, without case.
        bool windows = root.Length > 1 && (root[1] == ':' || root.StartsWith("//", StringComparison.Ordinal));
        return root.Length > 1 && path.StartsWith(root, windows ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }

    private static string? CodeView(Stream pe, long size, long offset, long length)
    {
        // "RSDS", a GUID, an age, then the path in UTF-8, ended by a zero byte.
        const int PathStart = 4 + 16 + 4;
        if (size <= PathStart)
        {
            return null;
        }

        byte[]? data = ReadAt(pe, offset, (int)Math.Min(size, PathStart + MaxPathBytes), length);
        if (data is null || data[0] != (byte)'R' || data[1] != (byte)'S' || data[2] != (byte)'D' || data[3] != (byte)'S')
        {
            return null;
        }

        int end = Array.IndexOf(data, (byte)0, PathStart);
        int count = (end < 0 ? data.Length : end) - PathStart;
        return count == 0 ? null : Encoding.UTF8.GetString(data, PathStart, count);
    }

    /// <summary>The file offset of <paramref name="rva"/>, whose <paramref name="size"/> bytes must lie in one section's raw data; -1 if none holds them.</summary>
    private static long FileOffset(byte[] sections, int count, long rva, long size)
    {
        for (int i = 0; i < count; i++)
        {
            int header = i * SectionHeaderSize;
            long virtualAddress = UInt32(sections, header + 12);
            long rawSize = UInt32(sections, header + 16);
            long rawPointer = UInt32(sections, header + 20);
            if (rva >= virtualAddress && rva + size <= virtualAddress + rawSize)
            {
                return rawPointer + (rva - virtualAddress);
            }
        }

        return -1;
    }

    /// <summary>Exactly <paramref name="count"/> bytes at <paramref name="offset"/>, or null when the file does not hold them.</summary>
    private static byte[]? ReadAt(Stream stream, long offset, int count, long length)
    {
        if (offset < 0 || count <= 0 || offset > length - count)
        {
            return null;
        }

        var buffer = new byte[count];
        stream.Position = offset;
        int read = 0;
        while (read < count)
        {
            int n = stream.Read(buffer, read, count - read);
            if (n == 0)
            {
                return null;
            }

            read += n;
        }

        return buffer;
    }

    private static int UInt16(byte[] b, int i) => b[i] | (b[i + 1] << 8);

    private static long UInt32(byte[] b, int i) => (uint)(b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24));
}
