using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading.Tasks;

namespace ContainerCache.TestRegistry;

/// <summary>Runs <c>skopeo inspect</c> against plain-HTTP registries.</summary>
public static class Skopeo
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <param name="platform">"os/architecture[/variant]" to pick from an index; skopeo otherwise picks the host platform.</param>
    public static async Task<JsonDocument> InspectAsync(string imageRef, string? platform = null)
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

        arguments.Add("inspect");
        arguments.AddRange(["--tls-verify=false", "docker://" + imageRef]);
        string stdout = await RunAsync(arguments).ConfigureAwait(false);
        return JsonDocument.Parse(stdout);
    }

    private static async Task<string> RunAsync(IReadOnlyList<string> arguments)
    {
        CommandResult result = await CommandLine.RunAsync("skopeo", arguments, Timeout).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"skopeo {string.Join(' ', arguments)} failed with exit code {result.ExitCode}:{Environment.NewLine}{result.StandardError.Trim()}");
        }

        return result.StandardOutput;
    }
}
