using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using ContainerCache.Diagnostics;

namespace ContainerCache.Results;

/// <summary>
/// A file that the projects of one build write to in turn: a solution built with -m runs them in
/// several processes at once. Each update holds the file exclusively (FileShare.None, which .NET
/// takes as a lock on Linux and macOS too) while it reads what the file holds and writes, in one
/// write, what it adds: whole lines, never interleaved. A file held by another project is tried
/// again, for a bounded time.
/// </summary>
internal static class SharedFile
{
    /// <summary>How long an update waits for the other projects of the build to let go of the file.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Appends what <paramref name="append"/> returns for the file's text (empty when the file is new).</summary>
    /// <exception cref="ContainerCacheException">CONTAINERCACHE1017 naming the file and <paramref name="setting"/>.</exception>
    public static void Append(string path, string setting, Func<string, string> append, TimeSpan? wait = null) =>
        Update(path, setting, existing => (append(existing), false), wait ?? Wait);

    /// <summary>Replaces the file's text with what <paramref name="replace"/> returns for it.</summary>
    /// <exception cref="ContainerCacheException">CONTAINERCACHE1017 naming the file and <paramref name="setting"/>.</exception>
    public static void Replace(string path, string setting, Func<string, string> replace) =>
        Update(path, setting, existing => (replace(existing), true), Wait);

    private static void Update(string path, string setting, Func<string, (string Text, bool Replace)> update, TimeSpan wait)
    {
        var clock = Stopwatch.StartNew();
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
                if (directory is not null)
                {
                    Directory.CreateDirectory(directory);
                }

                using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
                byte[] old = new byte[file.Length];
                int read = 0;
                while (read < old.Length)
                {
                    int n = file.Read(old, read, old.Length - read);
                    if (n == 0)
                    {
                        break;
                    }

                    read += n;
                }

                (string text, bool replace) = update(Utf8.GetString(old, 0, read));
                byte[] bytes = Utf8.GetBytes(text);
                if (replace)
                {
                    file.SetLength(0);
                    file.Position = 0;
                }
                else
                {
                    file.Position = file.Length;
                }

                // One write of the whole text: a reader never sees half a line.
                file.Write(bytes, 0, bytes.Length);
                file.Flush();
                return;
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException && clock.Elapsed < wait)
            {
                // Held by another project of the build: wait a little, longer each time.
                Thread.Sleep(Math.Min(10 * (attempt + 1), 200));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
            {
                throw new ContainerCacheException(
                    e is IOException && clock.Elapsed >= wait
                        ? DiagnosticMessages.ResultsFileHeld.With(path, setting, wait.TotalSeconds, e.Message)
                        : DiagnosticMessages.ResultsFileUnwritable.With(path, setting, e.Message),
                    e);
            }
        }
    }
}
