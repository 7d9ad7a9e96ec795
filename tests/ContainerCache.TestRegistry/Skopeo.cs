using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace ContainerCache.TestRegistry;

/// <summary>Runs <c>skopeo inspect</c> against plain-HTTP registries.</summary>
public static class Skopeo
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <param name="platform">"os/architecture[/variant]" to pick from an index; skopeo otherwise picks the host platform.</param>
    public static Task<JsonDocument> InspectAsync(string imageRef, string? platform = null) =>
        RunInspectAsync(imageRef, platform, "inspect");

    /// <param name="platform">"os/architecture[/variant]" to pick from an index; skopeo otherwise picks the host platform.</param>
    public static Task<JsonDocument> InspectConfigAsync(string imageRef, string? platform = null) =>
        RunInspectAsync(imageRef, platform, "inspect", "--config");

    public static Task<JsonDocument> InspectRawAsync(string imageRef) =>
        RunInspectAsync(imageRef, null, "inspect", "--raw");

    private static async Task<JsonDocument> RunInspectAsync(string imageRef, string? platform, params string[] command)
    {
        var arguments = new List<string>();
        if (platform is not null)
        {
            string[] parts = platform.Split('/');
            if (parts.Length is < 2 or > 3)
            {
                throw new ArgumentException($"Expected os/architecture[/variant], got \"{platform}\".", nameof(platform));
            }

            arguments.AddRange(["--override-os", parts[0], "--override-arch", parts[1]]);
            if (parts.Length == 3)
            {
                arguments.AddRange(["--override-variant", parts[2]]);
            }
        }

        arguments.AddRange(command);
        arguments.AddRange(["--tls-verify=false", "docker://" + imageRef]);
        string stdout = await RunAsync(arguments).ConfigureAwait(false);
        return JsonDocument.Parse(stdout);
    }

    private static async Task<string> RunAsync(IReadOnlyList<string> arguments)
    {
        var startInfo = new ProcessStartInfo("skopeo")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        string commandLine = "skopeo " + string.Join(' ', arguments);
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"Could not start {commandLine}: {ex.Message}", ex);
        }

        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(Timeout))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{commandLine} did not finish within {Timeout.TotalSeconds:0} s.");
            }
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{commandLine} failed with exit code {process.ExitCode}:{Environment.NewLine}{(await stderr.ConfigureAwait(false)).Trim()}");
        }

        return await stdout.ConfigureAwait(false);
    }
}
