using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ContainerCache.TestRegistry;

/// <summary>What a command printed: its standard output, its standard error, and both as they interleaved.</summary>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError, string Output);

/// <summary>Runs a command to its end, with a bound on how long it may take.</summary>
public static class CommandLine
{
    public static async Task<CommandResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // An empty value unsets the variable: the command then sees its own default.
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            if (value.Length == 0)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        string commandLine = fileName + " " + string.Join(' ', startInfo.ArgumentList);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var both = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start {commandLine}: {e.Message}", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using (var cancel = new CancellationTokenSource(timeout))
        {
            try
            {
                await process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{commandLine} did not finish within {timeout.TotalSeconds:0} s:{Environment.NewLine}{both}");
            }
        }

        lock (both)
        {
            return new CommandResult(process.ExitCode, stdout.ToString(), stderr.ToString(), both.ToString());
        }

        void Append(StringBuilder stream, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (both)
            {
                stream.AppendLine(line);
                both.AppendLine(line);
            }
        }
    }
}
