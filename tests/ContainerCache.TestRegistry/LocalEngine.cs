using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace ContainerCache.TestRegistry;

/// <summary>
/// A local container engine of the test run's own, in a work folder, that the SDK loads images into:
/// Docker (Debian's dockerd, run for image storage only: vfs storage, no networking, its own socket,
/// data and state) or Podman (daemonless: its own vfs storage and configuration files). The SDK and
/// the package find it through <see cref="Environment"/>, as a user's shell would set it.
/// </summary>
public sealed class LocalEngine : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    // As for the registry: dockerd is stopped when our end of its stdin closes, even if this process dies.
    private const string WatchdogScript =
        "exec 3<&0; dockerd \"$@\" 3<&- & d=$!; (cat <&3; kill $d) >/dev/null 2>&1 & wait $d";

    private readonly Process? _daemon;
    private readonly string _workDirectory;

    private LocalEngine(string kind, string command, IReadOnlyDictionary<string, string> environment, string workDirectory, Process? daemon)
    {
        Kind = kind;
        Command = command;
        Environment = environment;
        _workDirectory = workDirectory;
        _daemon = daemon;
    }

    /// <summary>Docker or Podman: the SDK's LocalRegistry value for it.</summary>
    public string Kind { get; }

    public string Command { get; }

    /// <summary>What points docker (DOCKER_HOST) or podman (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF) at this engine.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The name an image loaded as <paramref name="name"/> is stored under (Podman adds <c>localhost/</c>).</summary>
    public string StoredName(string name) => Kind == "Podman" ? "localhost/" + name : name;

    /// <summary>Starts dockerd and waits until it answers.</summary>
    /// <exception cref="InvalidOperationException">dockerd is not installed, or did not start: the message says why.</exception>
    public static async Task<LocalEngine> StartDockerAsync(string workDirectory)
    {
        Directory.CreateDirectory(workDirectory);
        string socket = Path.Combine(workDirectory, "docker.sock");
        var environment = new Dictionary<string, string> { ["DOCKER_HOST"] = "unix://" + socket };
        var startInfo = new ProcessStartInfo("sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            "-c", WatchdogScript, "dockerd",
            "--storage-driver=vfs", "--iptables=false", "--ip6tables=false", "--bridge=none",
            "--data-root", Path.Combine(workDirectory, "data"), "--exec-root", Path.Combine(workDirectory, "exec"),
            "--pidfile", Path.Combine(workDirectory, "docker.pid"), "-H", "unix://" + socket,
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        string logPath = Path.Combine(workDirectory, "dockerd.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var engine = new LocalEngine("Docker", "docker", environment, workDirectory, process);
        var timer = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                engine.Dispose();
                throw new InvalidOperationException($"dockerd stopped at once (exit code {process.ExitCode}); its log: {logPath}");
            }

            if (File.Exists(socket) && (await engine.RunAsync("version").ConfigureAwait(false)).ExitCode == 0)
            {
                return engine;
            }

            if (timer.Elapsed > StartTimeout)
            {
                engine.Dispose();
                throw new InvalidOperationException($"dockerd did not answer within {StartTimeout.TotalSeconds:0} s; its log: {logPath}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>Podman with storage and configuration of its own, and checks that it runs.</summary>
    /// <exception cref="InvalidOperationException">podman is not installed, or does not run.</exception>
    public static async Task<LocalEngine> StartPodmanAsync(string workDirectory)
    {
        Directory.CreateDirectory(workDirectory);
        string storage = Path.Combine(workDirectory, "storage.conf");
        string containers = Path.Combine(workDirectory, "containers.conf");
        File.WriteAllText(storage, $"""
            [storage]
            driver = "vfs"
            runroot = "{Path.Combine(workDirectory, "run")}"
            graphroot = "{Path.Combine(workDirectory, "graph")}"
            """);
        File.WriteAllText(containers, """
            [engine]
            cgroup_manager = "cgroupfs"
            events_logger = "file"
            """);
        var engine = new LocalEngine(
            "Podman",
            "podman",
            new Dictionary<string, string> { ["CONTAINERS_STORAGE_CONF"] = storage, ["CONTAINERS_CONF"] = containers },
            workDirectory,
            daemon: null);
        CommandResult images = await engine.RunAsync("images").ConfigureAwait(false);
        if (images.ExitCode != 0)
        {
            throw new InvalidOperationException("podman does not run here: " + images.Output);
        }

        return engine;
    }

    /// <summary>Runs the engine's CLI against this engine; bounded.</summary>
    /// <exception cref="InvalidOperationException">The CLI is not installed.</exception>
    public Task<CommandResult> RunAsync(params string[] arguments) =>
        CommandLine.RunAsync(Command, arguments, CommandTimeout, _workDirectory, Environment);

    /// <summary>The ID of the image under <paramref name="name"/>, or null when there is none.</summary>
    public async Task<string?> ImageIdAsync(string name)
    {
        CommandResult result = await RunAsync("image", "inspect", "--format", "{{.Id}}", StoredName(name)).ConfigureAwait(false);
        return result.ExitCode == 0 ? result.StandardOutput.Trim() : null;
    }

    /// <summary>The value of a label of the image under <paramref name="name"/> ("" when it has none).</summary>
    public async Task<string> LabelAsync(string name, string label)
    {
        CommandResult result = await RunAsync("image", "inspect", "--format", "{{index .Config.Labels \"" + label + "\"}}", StoredName(name)).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Command} image inspect {name} failed: {result.Output}");
        }

        string value = result.StandardOutput.Trim();
        return value == "<no value>" ? "" : value;
    }

    public void Dispose()
    {
        if (_daemon is null)
        {
            return;
        }

        try
        {
            // Closing its stdin stops dockerd (the watchdog); it shuts down in well under a second.
            _daemon.StandardInput.Close();
            if (!_daemon.WaitForExit(10_000))
            {
                _daemon.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _daemon.Dispose();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }
}
