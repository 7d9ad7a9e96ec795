using System;
using System.IO;
using System.Text;
using ContainerCache.Diagnostics;
using ContainerCache.Hashing;

namespace ContainerCache.PublishOutput;

/// <summary>
/// A file read whole into memory: only up to a bound, so that no input, however large, can run
/// MSBuild out of memory (above it the caller stops with CONTAINERCACHE1011), and only when it is
/// a regular file, so that a FIFO cannot block the build nor a device feed it forever.
/// </summary>
internal static class SmallFile
{
    /// <summary>The bound on what is read whole: far above any real input of that kind.</summary>
    public const int DefaultLimit = 64 << 20;

    /// <summary>The rest of <paramref name="stream"/>, or null when it holds more than <paramref name="limit"/> bytes.</summary>
    public static byte[]? ReadAll(Stream stream, int limit = DefaultLimit)
    {
        long expected = stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : 0;
        if (expected > limit)
        {
            return null;
        }

        var bytes = new byte[expected];
        int filled = 0;
        int read;
        while (filled < bytes.Length && (read = stream.Read(bytes, filled, bytes.Length - filled)) > 0)
        {
            filled += read;
        }

        if (filled < bytes.Length)
        {
            Array.Resize(ref bytes, filled);
            return bytes;
        }

        // All that the length promised: more follows only if the file grew since, or its length is unknown.
        using var rest = new MemoryStream();
        var chunk = new byte[81920];
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (filled + rest.Length + read > limit)
            {
                return null;
            }

            rest.Write(chunk, 0, read);
        }

        if (rest.Length == 0)
        {
            return bytes;
        }

        var all = new byte[filled + rest.Length];
        Buffer.BlockCopy(bytes, 0, all, 0, filled);
        Buffer.BlockCopy(rest.GetBuffer(), 0, all, filled, (int)rest.Length);
        return all;
    }

    /// <summary>
    /// The text of a regular file (UTF-8; a byte order mark dropped, as File.ReadAllText does), or null
    /// when it is larger than <paramref name="limit"/>.
    /// </summary>
    /// <exception cref="IOException">It cannot be read, or is not a regular file (then it is not opened).</exception>
    public static string? ReadAllText(string path, int limit = DefaultLimit)
    {
        if (SpecialType(path) is string type)
        {
            throw new IOException($"'{Printable.Of(path)}' is {type}, not a regular file, so it is not opened.");
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1);
        byte[]? bytes = ReadAll(file, limit);
        if (bytes is null)
        {
            return null;
        }

        using var reader = new StreamReader(new MemoryStream(bytes, writable: false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// What the file at <paramref name="path"/> (a link's target) is when it is not a regular file
    /// or a directory, in words ("a FIFO (named pipe)"); null otherwise, or where types cannot be read
    /// without opening (off Linux).
    /// </summary>
    public static string? SpecialType(string path) =>
        FileStamp.TryRead(path, out FileStamp stamp) ? stamp.SpecialType : null;

    /// <summary>A bound in words, for messages: "64 MiB".</summary>
    public static string Describe(int limit) => (limit >> 20) + " MiB";
}
