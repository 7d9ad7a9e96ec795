using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using ContainerCache.Keys;

namespace ContainerCache.Registry;

/// <summary>
/// Whether a stored image is the one this publish would build, as far as its manifest and config
/// can tell without downloading layers: its key label, its base (the layers of the base image at
/// the digest the key covers, then exactly one layer of its own), its platform, and each container
/// setting the key covers, as the SDK writes it into the config (its <c>ImageBuilder</c> and
/// <c>ImageConfig</c>, SDK 10.0.1xx-4xx). A label alone proves nothing: it is copied by any image
/// built <c>FROM</c> this one.
/// </summary>
/// <remarks>
/// What the check cannot see is the bytes of the app layer: an image forged by someone with push
/// rights, with the right label, base, config and a layer of other content, passes. Where the SDK
/// would write the config differently than this check expects, the result is a miss (a rebuild),
/// never a hit.
/// </remarks>
internal static class ImageCheck
{
    /// <summary>The config fields the SDK writes (<c>ImageConfig.BuildConfig</c>); any other field means another builder.</summary>
    private static readonly string[] KnownConfigFields =
        { "ExposedPorts", "Labels", "Env", "WorkingDir", "Entrypoint", "Cmd", "User", "Volumes", "StopSignal" };

    private const string BaseDigestLabel = "org.opencontainers.image.base.digest";

    // ASP.NET Core's URL form, as the SDK reads ports from ASPNETCORE_URLS.
    private static readonly Regex AspNetUrl = new(@"(?<scheme>\w+)://(?<domain>([*+]|).+):(?<port>\d+)", RegexOptions.CultureInvariant);

    /// <summary>
    /// What disagrees between <paramref name="candidate"/> and the image these inputs build on
    /// <paramref name="baseImage"/> (the platform image at the digest the key covers), by setting
    /// name, never by value. Empty when everything that can be read agrees.
    /// </summary>
    public static IReadOnlyList<string> Disagreements(StoredImage candidate, StoredImage baseImage, ImageSettings settings, string key)
    {
        var found = new List<string>();
        void Check(bool agrees, string name)
        {
            if (!agrees && !found.Contains(name))
            {
                found.Add(name);
            }
        }

        Dictionary<string, object?> config = Json.GetObject(candidate.ConfigJson, "config") ?? new Dictionary<string, object?>();
        Dictionary<string, object?> baseConfig = Json.GetObject(baseImage.ConfigJson, "config") ?? new Dictionary<string, object?>();

        Check(candidate.Key == key, "label:" + ImageSettings.KeyLabel);
        Check(candidate.Platform == baseImage.Platform, "platform");

        // The base's layers, then exactly the one layer the SDK adds (a docker archive has no manifest).
        Check(ExtendsByOne(DiffIds(candidate), DiffIds(baseImage)), "base.layers");
        if (candidate.Manifest.Digest.Length > 0)
        {
            Check(ExtendsByOne(LayerDigests(candidate.Manifest), LayerDigests(baseImage.Manifest)), "base.layers");
        }

        foreach (string field in config.Keys.Where(f => !KnownConfigFields.Contains(f, StringComparer.Ordinal)))
        {
            Check(false, "config." + field);
        }

        foreach (string field in new[] { "Volumes", "StopSignal" })
        {
            config.TryGetValue(field, out object? value);
            baseConfig.TryGetValue(field, out object? expected);
            Check(Json.DeepEquals(value, expected), "config." + field);
        }

        (string[] entrypoint, string[] cmd)? execution = Execution(settings, StringArray(baseConfig, "Entrypoint"));
        Check(execution is not null && StringArray(config, "Entrypoint").SequenceEqual(execution.Value.entrypoint), "entrypoint");
        Check(execution is not null && StringArray(config, "Cmd").SequenceEqual(execution.Value.cmd), "cmd");
        Check((Json.GetString(config, "WorkingDir") ?? "") == settings.WorkingDirectory, "workingDirectory");

        // Environment: the base's, with this publish's variables set over it.
        Dictionary<string, string> env = Environment(baseConfig);
        foreach (KeyValuePair<string, string> variable in settings.EnvironmentVariables)
        {
            env[variable.Key] = variable.Value;
        }

        Dictionary<string, string> actualEnv = Environment(config);
        foreach (string name in env.Keys.Union(actualEnv.Keys).Distinct(StringComparer.Ordinal))
        {
            Check(env.TryGetValue(name, out string? want) && actualEnv.TryGetValue(name, out string? have) && want == have, "env:" + name);
        }

        // User: the one set, else APP_UID (the SDK's convention), else the base's.
        string? user = settings.User.Length > 0 ? settings.User
            : env.TryGetValue("APP_UID", out string? appUid) ? appUid
            : Json.GetString(baseConfig, "User");
        Check((Json.GetString(config, "User") ?? "") == (user ?? ""), "user");

        // Ports: the base's, this publish's, and those ASP.NET Core's variables name.
        var ports = new HashSet<string>(PortNames(baseConfig), StringComparer.Ordinal);
        ports.UnionWith(settings.Ports.Select(p => PortName(p.Key, p.Value)));
        ports.UnionWith(PortsFromEnvironment(env));
        Check(ports.SetEquals(PortNames(config)), "ports");

        // Labels: the base's, with this publish's set over them; the volatile ones (created,
        // revision) are not compared, and the base digest label must name the base.
        Dictionary<string, string> labels = Labels(baseConfig);
        foreach (KeyValuePair<string, string> label in settings.Labels)
        {
            labels[label.Key] = label.Value;
        }

        Dictionary<string, string> actualLabels = Labels(config);
        foreach (string name in labels.Keys.Union(actualLabels.Keys).Distinct(StringComparer.Ordinal))
        {
            if (ImageSettings.UnkeyedLabels.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }

            bool agrees = name == BaseDigestLabel
                ? !actualLabels.TryGetValue(name, out string? digest) || digest == baseImage.Manifest.Digest
                : labels.TryGetValue(name, out string? want) && actualLabels.TryGetValue(name, out string? have) && want == have;
            Check(agrees, "label:" + name);
        }

        return found;
    }

    /// <summary>
    /// The platform of a runtime identifier, as OCI names it (<c>linux-x64</c> is <c>linux/amd64</c>),
    /// or null for one this check does not know.
    /// </summary>
    public static (string Os, string Architecture)? Platform(string runtimeIdentifier)
    {
        int dash = runtimeIdentifier.LastIndexOf('-');
        if (dash <= 0)
        {
            return null;
        }

        string os = runtimeIdentifier.Substring(0, dash);
        string? platformOs = os.StartsWith("linux", StringComparison.Ordinal) ? "linux" : os == "win" ? "windows" : null;
        string? architecture = runtimeIdentifier.Substring(dash + 1) switch
        {
            "x64" => "amd64",
            "arm64" => "arm64",
            "arm" => "arm",
            "x86" => "386",
            "s390x" => "s390x",
            "ppc64le" => "ppc64le",
            "riscv64" => "riscv64",
            "loongarch64" => "loong64",
            _ => null,
        };
        return platformOs is null || architecture is null ? null : (platformOs, architecture);
    }

    /// <summary>
    /// The SDK's choice of ENTRYPOINT and CMD (<c>ImageBuilder.DetermineEntrypointAndCmd</c>), with
    /// empty values dropped as its config writer drops them; null where the SDK would fail the build.
    /// </summary>
    internal static (string[] Entrypoint, string[] Cmd)? Execution(ImageSettings settings, string[] baseEntrypoint)
    {
        string[] entrypoint = settings.Entrypoint.ToArray();
        string[] entrypointArgs = settings.EntrypointArgs.ToArray();
        string[] cmd = settings.DefaultArgs.ToArray();
        string[] appCommand = settings.AppCommand.ToArray();
        string[] appCommandArgs = settings.AppCommandArgs.ToArray();
        string instruction = settings.AppCommandInstruction;
        bool setsEntrypoint = entrypoint.Length > 0 || entrypointArgs.Length > 0;

        // Some base images set 'dotnet' as their ENTRYPOINT; the SDK never keeps it.
        if (baseEntrypoint.Length == 1 && baseEntrypoint[0] is "dotnet" or "/usr/bin/dotnet")
        {
            baseEntrypoint = Array.Empty<string>();
        }

        if (instruction.Length == 0)
        {
            if (setsEntrypoint && cmd.Length == 0 && appCommandArgs.Length == 0 && entrypoint.Length == 0)
            {
                // The SDK's old form: the app command is the entrypoint, the entrypoint args the command.
                entrypoint = appCommand;
                appCommand = Array.Empty<string>();
                cmd = entrypointArgs;
                entrypointArgs = Array.Empty<string>();
                instruction = "None";
            }
            else
            {
                instruction = setsEntrypoint ? "DefaultArgs" : "Entrypoint";
            }
        }

        if ((entrypointArgs.Length > 0 && entrypoint.Length == 0) || (appCommandArgs.Length > 0 && appCommand.Length == 0))
        {
            return null;
        }

        switch (instruction)
        {
            case "None" when appCommand.Length == 0 && appCommandArgs.Length == 0:
                break;
            case "DefaultArgs":
                cmd = appCommand.Concat(appCommandArgs).Concat(cmd).ToArray();
                break;
            case "Entrypoint" when !setsEntrypoint:
                entrypoint = appCommand;
                entrypointArgs = appCommandArgs;
                break;
            default:
                return null;
        }

        string[] finalEntrypoint = entrypoint.Length > 0 ? entrypoint.Concat(entrypointArgs).ToArray() : baseEntrypoint;
        return (NonEmpty(finalEntrypoint), NonEmpty(cmd));
    }

    private static string[] NonEmpty(IEnumerable<string> values) => values.Where(v => !string.IsNullOrEmpty(v)).ToArray();

    private static bool ExtendsByOne(List<string> image, List<string> baseImage) =>
        image.Count == baseImage.Count + 1 && image.Take(baseImage.Count).SequenceEqual(baseImage, StringComparer.Ordinal);

    private static List<string> DiffIds(StoredImage image) =>
        (Json.GetArray(image.ConfigJson, "rootfs", "diff_ids") ?? new List<object?>()).Select(d => d as string ?? "").ToList();

    private static List<string> LayerDigests(Manifest manifest) =>
        (Json.GetArray(manifest.Json, "layers") ?? new List<object?>()).Select(l => Json.GetString(l, "digest") ?? "").ToList();

    private static string[] StringArray(Dictionary<string, object?> config, string field) =>
        NonEmpty((Json.GetArray(config, field) ?? new List<object?>()).Select(v => v as string ?? ""));

    private static Dictionary<string, string> Environment(Dictionary<string, object?> config)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string entry in (Json.GetArray(config, "Env") ?? new List<object?>()).OfType<string>())
        {
            int equals = entry.IndexOf('=');
            if (equals >= 0)
            {
                env[entry.Substring(0, equals)] = entry.Substring(equals + 1);
            }
        }

        return env;
    }

    private static Dictionary<string, string> Labels(Dictionary<string, object?> config)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, object?> label in Json.GetObject(config, "Labels") ?? new Dictionary<string, object?>())
        {
            labels[label.Key] = label.Value as string ?? "";
        }

        return labels;
    }

    private static IEnumerable<string> PortNames(Dictionary<string, object?> config) =>
        (Json.GetObject(config, "ExposedPorts") ?? new Dictionary<string, object?>()).Keys.Select(p => p.Contains("/") ? p.ToLowerInvariant() : p + "/tcp");

    private static string PortName(string number, string protocol) =>
        number + "/" + (protocol.Length == 0 ? "tcp" : protocol.ToLowerInvariant());

    private static IEnumerable<string> PortsFromEnvironment(Dictionary<string, string> env)
    {
        static IEnumerable<string> Split(string value) =>
            value.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries).Select(v => v.Trim()).Where(v => v.Length > 0);

        if (env.TryGetValue("ASPNETCORE_URLS", out string? urls))
        {
            // The most specific: when set, the SDK reads no other.
            return Split(urls)
                .Select(u => AspNetUrl.Match(u))
                .Where(m => m.Success && int.TryParse(m.Groups["port"].Value, out _))
                .Select(m => int.Parse(m.Groups["port"].Value) + "/tcp")
                .ToList();
        }

        return new[] { "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS" }
            .SelectMany(name => env.TryGetValue(name, out string? value) ? Split(value) : Enumerable.Empty<string>())
            .Where(p => int.TryParse(p, out _))
            .Select(p => int.Parse(p) + "/tcp")
            .ToList();
    }
}
