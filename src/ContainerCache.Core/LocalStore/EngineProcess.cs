using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Threading.Tasks;

namespace ContainerCache.LocalStore;

/// <summary>What a CLI call printed and how it ended.</summary>
internal sealed class EngineResult
{
    public EngineResult(int exitCode, string standardOutput, string standardError)
    {
        ExitCode = exitCode;
        StandardOutput = standardOutput;
        StandardError = standardError;
    }

    public int ExitCode { get; }
    public string StandardOutput { get; }
    public string StandardError { get; }

    /// <summary>The first line of what it printed on error, for messages.</summary>
    public string ErrorLine
    {
        get
        {
            string text = StandardError.Trim();
            int newline = text.IndexOf('\n');
            return newline < 0 ? text : text.Substring(0, newline).Trim();
        }
    }
}

/// <summary>
/// Runs an engine's CLI (docker, podman) to its end within a bound, as the SDK runs it: by name, found
/// on PATH, in this process's environment (DOCKER_HOST, CONTAINERS_CONF...). A call that outlives
/// the bound is killed, with its children: a daemon that does not answer never holds the build.
/// </summary>
internal static class EngineProcess
{
    /// <summary>More output than any inspect of one image prints: beyond it, the rest is dropped.</summary>
    private const int MaxOutputChars = 4 * 1024 * 1024;

    /// <exception cref="LocalStoreException">The command could not be started, or did not end within <paramref name="timeout"/>.</exception>
    public static EngineResult Run(string command, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var startInfo = new ProcessStartInfo(command, Quote(arguments))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };

        string shown = command + " " + string.Join(" ", arguments);
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new LocalStoreException($"'{command}' could not be run: {e.Message}", e);
        }

        // Nothing is written to it: a CLI that asks a question gets end of input instead of waiting.
        process.StandardInput.Close();
        Task<string> stdout = ReadBoundedAsync(process.StandardOutput);
        Task<string> stderr = ReadBoundedAsync(process.StandardError);
        if (!process.WaitForExit((int)Math.Min(int.MaxValue, Math.Max(1, timeout.TotalMilliseconds))))
        {
            Kill(process);
            throw new LocalStoreException($"'{shown}' did not finish within {timeout.TotalSeconds:0.###} s, so it was stopped", new TimeoutException());
        }

        // The process ended; its children may still hold the pipes open: bounded as well.
        if (!Task.WaitAll(new Task[] { stdout, stderr }, timeout))
        {
            throw new LocalStoreException($"'{shown}' ended, but its output did not within {timeout.TotalSeconds:0.###} s", new TimeoutException());
        }

        return new EngineResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static async Task<string> ReadBoundedAsync(System.IO.StreamReader reader)
    {
        var text = new StringBuilder();
        char[] buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0)
        {
            if (text.Length < MaxOutputChars)
            {
                text.Append(buffer, 0, Math.Min(read, MaxOutputChars - text.Length));
            }
        }

        return text.ToString();
    }

    private static void Kill(Process process)
    {
        try
        {
#if NET
            process.Kill(entireProcessTree: true);
#else
            process.Kill();
#endif
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // It ended on its own meanwhile.
        }
        catch (Win32Exception)
        {
            // It could not be stopped; it no longer holds the build.
        }
    }

    /// <summary>The arguments as one command line (ArgumentList is not on .NET Framework): each quoted where it must be.</summary>
    internal static string Quote(IEnumerable<string> arguments)
    {
        var line = new StringBuilder();
        foreach (string argument in arguments)
        {
            if (line.Length > 0)
            {
                line.Append(' ');
            }

            if (argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '\t', '"', '\\', '\'' }) < 0)
            {
                line.Append(argument);
                continue;
            }

            // The Windows and .NET convention: backslashes are literal unless they precede a quote.
            line.Append('"');
            int backslashes = 0;
            foreach (char c in argument)
            {
                if (c == '\\')
                {
                    backslashes++;
                    continue;
                }

                line.Append('\\', c == '"' ? backslashes * 2 + 1 : backslashes);
                backslashes = 0;
                line.Append(c);
            }

            line.Append('\\', backslashes * 2).Append('"');
        }

        return line.ToString();
    }
}
