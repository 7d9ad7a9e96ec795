using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace ContainerCache.TestRegistry;

/// <summary>
/// A docker-registry (CNCF distribution) child process serving plain HTTP on a loopback port,
/// with filesystem storage and its log under a work directory.
/// </summary>
public sealed partial class LocalRegistry : IDisposable
{
    private const string RegistryExecutable = "docker-registry";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    // The registry runs under sh so that it is stopped when our end of its stdin closes,
    // which also happens when this process dies without running ProcessExit handlers.
    private const string WatchdogScript =
        "exec 3<&0; " + RegistryExecutable + " serve \"$1\" 3<&- & r=$!; " +
        "(cat <&3; kill $r) >/dev/null 2>&1 & wait $r";

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly object _logLock = new();
    private int _disposed;
    private bool _logClosed;
    private volatile bool _listening;
    private volatile bool _addressInUse;

    private LocalRegistry(Process process, StreamWriter log, int port, string logPath)
    {
        _process = process;
        _log = log;
        Port = port;
        LogPath = logPath;
    }

    public int Port { get; }

    public string Host => $"localhost:{Port}";

    public string LogPath { get; }

    /// <summary>Starts a registry and waits until it answers.</summary>
    /// <param name="workDirectory">Holds the registry's configuration, storage and log.</param>
    /// <param name="port">The port to listen on; 0 picks a free one.</param>
    /// <param name="htpasswdFile">Makes the registry require these Basic credentials.</param>
    /// <param name="tokenAuth">Makes the registry require bearer tokens from a <see cref="TokenServer"/>; see <see cref="TokenServer.Options"/>.</param>
    public static async Task<LocalRegistry> StartAsync(
        string workDirectory, int port = 0, string? htpasswdFile = null, TokenAuthOptions? tokenAuth = null)
    {
        if (htpasswdFile is not null && tokenAuth is not null)
        {
            throw new ArgumentException("The registry takes one kind of authentication: an htpasswd file or token auth, not both.", nameof(tokenAuth));
        }

        Directory.CreateDirectory(workDirectory);
        int attempts = port == 0 ? 3 : 1;
        for (int attempt = 1; ; attempt++)
        {
            int chosenPort = port == 0 ? PickFreePort() : port;
            LocalRegistry registry = Launch(workDirectory, chosenPort, htpasswdFile, tokenAuth);
            try
            {
                await registry.WaitUntilReadyAsync(authEnabled: htpasswdFile is not null || tokenAuth is not null).ConfigureAwait(false);
                return registry;
            }
            catch (InvalidOperationException) when (attempt < attempts && registry._addressInUse)
            {
                registry.Dispose();
            }
            catch
            {
                registry.Dispose();
                throw;
            }
        }
    }

    /// <summary>Counts the requests in the registry's access log with this method and a path containing the text.</summary>
    public int CountRequests(string method, string pathContains) =>
        ReadLogLines()
            .Select(line => AccessLogLine().Match(line))
            .Count(m => m.Success
                && string.Equals(m.Groups["method"].Value, method, StringComparison.OrdinalIgnoreCase)
                && m.Groups["uri"].Value.Contains(pathContains, StringComparison.Ordinal));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
        lock (_logLock)
        {
            _logClosed = true;
            _log.Dispose();
        }

        _process.Dispose();
    }

    private static LocalRegistry Launch(string workDirectory, int port, string? htpasswdFile, TokenAuthOptions? tokenAuth)
    {
        string configPath = Path.Combine(workDirectory, "registry.yml");
        string logPath = Path.Combine(workDirectory, "registry.log");
        File.WriteAllText(configPath, BuildConfig(Path.Combine(workDirectory, "storage"), port, htpasswdFile, tokenAuth));

        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDirectory,
        };
        foreach (string argument in new[] { "-c", WatchdogScript, "sh", configPath })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete), new UTF8Encoding(false))
        {
            AutoFlush = true,
        };
        var process = new Process { StartInfo = startInfo };
        var registry = new LocalRegistry(process, log, port, logPath);
        process.OutputDataReceived += registry.OnOutput;
        process.ErrorDataReceived += registry.OnOutput;
        try
        {
            process.Start();
        }
        catch
        {
            log.Dispose();
            process.Dispose();
            throw;
        }

        AppDomain.CurrentDomain.ProcessExit += registry.OnProcessExit;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return registry;
    }

    private static string BuildConfig(string storageDirectory, int port, string? htpasswdFile, TokenAuthOptions? tokenAuth)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("version: 0.1");
        yaml.AppendLine("log:");
        yaml.AppendLine("  level: info");
        yaml.AppendLine("  accesslog:");
        yaml.AppendLine("    disabled: false");
        yaml.AppendLine("storage:");
        yaml.AppendLine("  filesystem:");
        yaml.AppendLine(CultureInfo.InvariantCulture, $"    rootdirectory: {YamlString(storageDirectory)}");
        yaml.AppendLine("  delete:");
        yaml.AppendLine("    enabled: true");
        yaml.AppendLine("http:");
        yaml.AppendLine(CultureInfo.InvariantCulture, $"  addr: 127.0.0.1:{port}");
        if (htpasswdFile is not null)
        {
            yaml.AppendLine("auth:");
            yaml.AppendLine("  htpasswd:");
            yaml.AppendLine("    realm: containercache-test");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    path: {YamlString(Path.GetFullPath(htpasswdFile))}");
        }

        if (tokenAuth is not null)
        {
            yaml.AppendLine("auth:");
            yaml.AppendLine("  token:");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    realm: {YamlString(tokenAuth.Realm)}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    service: {YamlString(tokenAuth.Service)}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    issuer: {YamlString(tokenAuth.Issuer)}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    rootcertbundle: {YamlString(Path.GetFullPath(tokenAuth.RootCertBundle))}");
        }

        return yaml.ToString();
    }

    private static string YamlString(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static int PickFreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private async Task WaitUntilReadyAsync(bool authEnabled)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var uri = new Uri($"http://127.0.0.1:{Port}/v2/");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_addressInUse || _process.HasExited)
            {
                _process.WaitForExit(TimeSpan.FromSeconds(5));
                throw new InvalidOperationException(
                    $"{RegistryExecutable} failed before answering on port {Port}. Log tail ({LogPath}):{Environment.NewLine}{LogTail()}");
            }

            if (!_listening)
            {
                await Task.Delay(50).ConfigureAwait(false);
                continue;
            }

            try
            {
                using HttpResponseMessage response = await http.GetAsync(uri).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK || (authEnabled && response.StatusCode == HttpStatusCode.Unauthorized))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100).ConfigureAwait(false);
        }

        throw new InvalidOperationException(
            $"{RegistryExecutable} did not answer GET {uri} within {StartTimeout.TotalSeconds:0} s. Log tail ({LogPath}):{Environment.NewLine}{LogTail()}");
    }

    private void OnOutput(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is null)
        {
            return;
        }

        if (e.Data.Contains($"listening on 127.0.0.1:{Port}\"", StringComparison.Ordinal))
        {
            _listening = true;
        }
        else if (e.Data.Contains("address already in use", StringComparison.Ordinal))
        {
            _addressInUse = true;
        }

        lock (_logLock)
        {
            if (!_logClosed)
            {
                _log.WriteLine(e.Data);
            }
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => Dispose();

    private string[] ReadLogLines()
    {
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private string LogTail(int lines = 40)
    {
        try
        {
            string[] all = ReadLogLines();
            return string.Join(Environment.NewLine, all.Skip(Math.Max(0, all.Length - lines)));
        }
        catch (IOException ex)
        {
            return $"(could not read log: {ex.Message})";
        }
    }

    // 127.0.0.1 - - [23/Nov/2026:18:13:55 +0000] "POST /v2/foo/blobs/uploads/ HTTP/1.1" 202 0 "" "curl/7.88.1"
    [GeneratedRegex("""^\S+ \S+ \S+ \[[^\]]*\] "(?<method>[A-Z]+) (?<uri>\S+) HTTP/[0-9.]+" \d{3} """)]
    private static partial Regex AccessLogLine();
}
