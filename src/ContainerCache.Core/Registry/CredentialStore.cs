using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;

namespace ContainerCache.Registry;

/// <summary>
/// Finds credentials the way the .NET SDK does: its environment variables first, then the docker
/// and podman config files (<c>auths</c>, then <c>credHelpers</c> and <c>credsStore</c> through
/// <c>docker-credential-*</c> helpers). Finds nothing, rather than failing, when none apply.
/// </summary>
internal sealed class CredentialStore
{
    private static readonly TimeSpan HelperTimeout = TimeSpan.FromSeconds(10);
    private readonly Func<string, string?> _environment;

    public CredentialStore(Func<string, string?>? environment = null) =>
        _environment = environment ?? Environment.GetEnvironmentVariable;

    /// <param name="registry">The registry host, such as <c>localhost:5000</c> or <c>ghcr.io</c>.</param>
    /// <param name="use">What the registry is used for: the SDK reads other environment variables for each.</param>
    /// <exception cref="RegistryException">A config file or credential helper gave an unusable answer.</exception>
    public RegistryCredentials? Find(string registry, RegistryUse use)
    {
        return FromEnvironment(use) ?? FromConfigFiles(registry);
    }

    private RegistryCredentials? FromEnvironment(RegistryUse use)
    {
        string[] prefixes = use switch
        {
            RegistryUse.Push => new[] { "DOTNET_CONTAINER_PUSH_REGISTRY_", "DOTNET_CONTAINER_REGISTRY_", "SDK_CONTAINER_REGISTRY_" },
            RegistryUse.PullFromOutput => new[] { "DOTNET_CONTAINER_PULL_REGISTRY_", "DOTNET_CONTAINER_REGISTRY_", "SDK_CONTAINER_REGISTRY_" },
            _ => new[] { "DOTNET_CONTAINER_PULL_REGISTRY_" },
        };
        foreach (string prefix in prefixes)
        {
            string? user = _environment(prefix + "UNAME");
            string? password = _environment(prefix + "PWORD");
            if (!string.IsNullOrEmpty(user) && !string.IsNullOrEmpty(password))
            {
                return new RegistryCredentials(user!, password!) { Source = "the environment variable " + prefix + "UNAME" };
            }
        }

        return null;
    }

    /// <summary>The config files consulted, in the SDK's order: REGISTRY_AUTH_FILE alone when set; else podman's, then docker's.</summary>
    public IEnumerable<string> ConfigFiles()
    {
        string? registryAuthFile = _environment("REGISTRY_AUTH_FILE");
        if (!string.IsNullOrEmpty(registryAuthFile))
        {
            yield return registryAuthFile!;
            yield break;
        }

        string? home = _environment("HOME") ?? _environment("USERPROFILE");
        string? runtimeDirectory = _environment("XDG_RUNTIME_DIR");
        if (!string.IsNullOrEmpty(runtimeDirectory))
        {
            yield return Path.Combine(runtimeDirectory!, "containers", "auth.json");
        }

        string? configDirectory = _environment("XDG_CONFIG_DIR") ?? (home is null ? null : Path.Combine(home, ".config"));
        if (!string.IsNullOrEmpty(configDirectory))
        {
            yield return Path.Combine(configDirectory!, "containers", "auth.json");
        }

        string? dockerConfig = _environment("DOCKER_CONFIG") ?? (home is null ? null : Path.Combine(home, ".docker"));
        if (!string.IsNullOrEmpty(dockerConfig))
        {
            yield return Path.Combine(dockerConfig!, "config.json");
        }
    }

    private RegistryCredentials? FromConfigFiles(string registry)
    {
        foreach (string file in ConfigFiles())
        {
            if (!File.Exists(file))
            {
                continue;
            }

            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new RegistryException($"The registry config file '{file}' cannot be read: {e.Message}");
            }

            Dictionary<string, object?> config = Json.TryParseObject(text)
                ?? throw new RegistryException($"The registry config file '{file}' is not a JSON object.");

            // As the SDK: a helper for this very registry, else the default store, answers for the file.
            string? helper = Json.GetString(config, "credHelpers", registry) ?? Json.GetString(config, "credsStore");
            if (!string.IsNullOrEmpty(helper))
            {
                return FromHelper(helper!, ServerName(registry));
            }

            RegistryCredentials? fromAuths = FromAuths(Json.GetObject(config, "auths"), registry, file);
            if (fromAuths is not null)
            {
                return fromAuths;
            }
        }

        return null;
    }

    /// <summary>Docker Hub's credentials are stored under its legacy URL.</summary>
    private static string ServerName(string registry) =>
        registry == ImageReference.DockerHub ? "https://index.docker.io/v1/" : registry;

    private static RegistryCredentials? FromAuths(Dictionary<string, object?>? auths, string registry, string file)
    {
        if (auths is null)
        {
            return null;
        }

        foreach (string name in MatchingKeys(auths.Keys, registry))
        {
            var entry = auths[name] as Dictionary<string, object?>;
            string? identityToken = Json.GetString(entry, "identitytoken");
            string? user = Json.GetString(entry, "username");
            string? password = Json.GetString(entry, "password");
            string? auth = Json.GetString(entry, "auth");
            if (!string.IsNullOrEmpty(auth))
            {
                string decoded;
                try
                {
                    decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth!));
                }
                catch (FormatException)
                {
                    throw new RegistryException($"The 'auth' entry for '{name}' in '{file}' is not base64 of USER:PASSWORD.");
                }

                int colon = decoded.IndexOf(':');
                if (colon < 0)
                {
                    throw new RegistryException($"The 'auth' entry for '{name}' in '{file}' is not base64 of USER:PASSWORD.");
                }

                user = decoded.Substring(0, colon);
                password = decoded.Substring(colon + 1);
            }

            if (!string.IsNullOrEmpty(identityToken))
            {
                return new RegistryCredentials(user ?? "", "", identityToken) { Source = file };
            }

            if (!string.IsNullOrEmpty(user))
            {
                return new RegistryCredentials(user!, password ?? "") { Source = file };
            }
        }

        return null;
    }

    /// <summary>Config keys naming this registry: the host itself, or a URL of it; Docker Hub's legacy URL for docker.io.</summary>
    private static IEnumerable<string> MatchingKeys(IEnumerable<string> keys, string registry)
    {
        string[] all = keys.ToArray();
        foreach (string key in all.Where(k => string.Equals(k, registry, StringComparison.OrdinalIgnoreCase)))
        {
            yield return key;
        }

        foreach (string key in all.Where(k => !string.Equals(k, registry, StringComparison.OrdinalIgnoreCase) && string.Equals(HostOf(k), HostOf(registry), StringComparison.OrdinalIgnoreCase)))
        {
            yield return key;
        }
    }

    private static string HostOf(string key)
    {
        string host = key;
        int scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host.Substring(scheme + 3);
        }

        int slash = host.IndexOf('/');
        if (slash >= 0)
        {
            host = host.Substring(0, slash);
        }

        return host is "index.docker.io" or "registry-1.docker.io" or "registry.hub.docker.com" ? ImageReference.DockerHub : host;
    }

    private RegistryCredentials? FromHelper(string helper, string registry)
    {
        string program = "docker-credential-" + helper;
        var start = new ProcessStartInfo(program, "get")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new RegistryException($"The credential helper '{program}' did not start.");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new RegistryException($"The credential helper '{program}', named in a registry config file, is not on the PATH.");
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            process.StandardInput.WriteLine(registry);
            process.StandardInput.Close();
            if (!process.WaitForExit((int)HelperTimeout.TotalMilliseconds))
            {
                try
                {
                    process.Kill();
                }
                catch (InvalidOperationException)
                {
                }

                throw new RegistryException($"The credential helper '{program}' did not answer within {HelperTimeout.TotalSeconds:0} s.");
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                // Helpers answer "credentials not found" with a non-zero exit: that is no credentials, not a fault.
                return null;
            }

            Dictionary<string, object?> answer = Json.TryParseObject(output.Result)
                ?? throw new RegistryException($"The credential helper '{program}' did not answer with a JSON object.");
            GC.KeepAlive(errors);
            string user = Json.GetString(answer, "Username") ?? "";
            string secret = Json.GetString(answer, "Secret") ?? "";
            if (secret.Length == 0)
            {
                return null;
            }

            return user == "<token>"
                ? new RegistryCredentials("", "", secret) { Source = program }
                : new RegistryCredentials(user, secret) { Source = program };
        }
    }
}
