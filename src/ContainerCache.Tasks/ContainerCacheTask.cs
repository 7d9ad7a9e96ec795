using System;
using System.Collections.Generic;
using System.Globalization;
using ContainerCache.Diagnostics;
using ContainerCache.Keys;
using ContainerCache.Registry;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ContainerCache.Tasks;

/// <summary>
/// Base of the package's tasks: bad input surfaces as one coded error naming the file or
/// property, never as a stack trace.
/// </summary>
public abstract class ContainerCacheTask : Task
{
    public sealed override bool Execute()
    {
        try
        {
            // Checked first, so that a bad value fails every publish, not only one that reaches a registry.
            _timeout = ParseTimeout();
            ExecuteCore();
        }
        catch (ContainerCacheException e)
        {
            LogError(e.Code, e.Message);
        }
        catch (Exception e)
        {
            // A bug of ours, not bad input: say so, with a code, and keep the stack trace for the report.
            LogError(
                DiagnosticCodes.UnexpectedFailure,
                $"ContainerCache failed unexpectedly: {e.GetType().FullName}: {e.Message}; please report it (the stack trace is in the log at detailed verbosity).");
            Log.LogMessage(MessageImportance.Low, "ContainerCache: {0}", e.ToString());
        }

        return !Log.HasLoggedErrors;
    }

    /// <summary>The bound, in seconds, on each request to a registry (ContainerCacheRegistryTimeout).</summary>
    public string RegistryTimeout { get; set; } = "";

    private TimeSpan _timeout = RegistryClientOptions.DefaultTimeout;

    /// <summary>
    /// The file in obj/ that remembers the insecure registries that answered in plain HTTP, so that
    /// the next build does not try HTTPS on them first (see <see cref="PlainHttpRegistries"/>).
    /// </summary>
    public string PlainHttpFile { get; set; } = "";

    /// <summary>The bound on each request to a registry, and on each call to a local engine's CLI.</summary>
    private protected TimeSpan RequestTimeout => _timeout;

    protected abstract void ExecuteCore();

    /// <summary>A warning, with its code's doc page as the help link (see <see cref="DiagnosticCodes"/>).</summary>
    protected void LogWarning(string code, string message) =>
        Log.LogWarning(subcategory: null, code, helpKeyword: null, DiagnosticCodes.HelpLink(code), file: null, 0, 0, 0, 0, Printable.Of(message));

    /// <summary>
    /// An error, with its code's doc page as the help link. Messages quote paths and the operating
    /// system's own messages, which quote them raw: they are made printable here, once.
    /// </summary>
    private void LogError(string code, string message) =>
        Log.LogError(subcategory: null, code, helpKeyword: null, DiagnosticCodes.HelpLink(code), file: null, 0, 0, 0, 0, Printable.Of(message));

    private protected RegistryClient CreateRegistryClient(string registry, RegistryUse use) =>
        new(registry, new RegistryClientOptions { Timeout = _timeout, Use = use, Cache = BuildContentCache(), PlainHttpFile = PlainHttpFile });

    /// <summary>What the build's clients have read by digest (see <see cref="RegistryContentCache"/>), kept until the build ends.</summary>
    private RegistryContentCache? BuildContentCache()
    {
        const string Name = "ContainerCache.RegistryContent";
        if (BuildEngine is not IBuildEngine4 engine)
        {
            return null;
        }

        if (engine.GetRegisteredTaskObject(Name, RegisteredTaskObjectLifetime.Build) is RegistryContentCache cache)
        {
            return cache;
        }

        cache = new RegistryContentCache();
        engine.RegisterTaskObject(Name, cache, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: true);
        return cache;
    }

    /// <summary>Checks a registry name before anything connects to it; <paramref name="property"/> is where the user wrote it.</summary>
    /// <exception cref="ContainerCacheException">CONTAINERCACHE1003 naming the property.</exception>
    protected static void RequireRegistry(string registry, string property)
    {
        if (ImageReference.RegistryError(registry) is { } error)
        {
            throw new ContainerCacheException(DiagnosticCodes.InvalidPropertyValue, $"{property} '{registry}' is not a registry name: {error}");
        }
    }

    /// <exception cref="ContainerCacheException">CONTAINERCACHE1003 naming the property.</exception>
    protected static void RequireRepository(string repository, string property)
    {
        if (!ImageReference.IsRepository(repository))
        {
            throw new ContainerCacheException(
                DiagnosticCodes.InvalidPropertyValue,
                $"{property} '{repository}' is not a repository name: lowercase letters and digits, separated by '/', '.', '_' or '-'.");
        }
    }

    /// <summary>The base image is pulled with the push credentials when it is in the registry pushed to, as the SDK does.</summary>
    private protected RegistryClient CreateBaseImageClient(string baseRegistry, string outputRegistry) =>
        CreateRegistryClient(
            baseRegistry,
            string.Equals(baseRegistry, outputRegistry, StringComparison.OrdinalIgnoreCase) ? RegistryUse.PullFromOutput : RegistryUse.Pull);

    /// <summary>
    /// Starts reading the base image <see cref="WhyNotThisPublish"/> compares with, so that it is read
    /// beside a lookup; the check then awaits the same reads (the build's content cache) instead of
    /// making them. A failure here is left to the check, which reads again and reports it.
    /// </summary>
    private protected void StartBaseImageRead(string key, string outputRegistry)
    {
        ImageSettings? settings = KeyInputs.Find(BuildEngine, key);
        if (settings is null || settings.BaseDigest.Length == 0 || ImageReference.RegistryError(settings.BaseRegistry) is not null)
        {
            return;
        }

        RegistryClient client = CreateBaseImageClient(settings.BaseRegistry, outputRegistry);
        _ = ImageCache.ReadPlatformImageAsync(client, settings.BaseRepository, settings.BaseDigest, ImageCheck.Platform(settings.RuntimeIdentifier))
            .ContinueWith(
                read =>
                {
                    _ = read.Exception;
                    client.Dispose();
                },
                System.Threading.Tasks.TaskScheduler.Default);
    }

    /// <summary>
    /// Why <paramref name="candidate"/>, labelled with <paramref name="key"/>, is not the image this
    /// publish builds (see <see cref="ImageCheck"/>), or null when everything that can be read agrees.
    /// The base image is read at the digest the key covers.
    /// </summary>
    /// <exception cref="RegistryException">The base image could not be read.</exception>
    private protected string? WhyNotThisPublish(StoredImage candidate, string key, string outputRegistry)
    {
        ImageSettings? settings = KeyInputs.Find(BuildEngine, key);
        if (settings is null)
        {
            return $"the inputs of the key {key} are not known in this build";
        }

        if (settings.BaseDigest.Length == 0)
        {
            return "the key covers the base image by name only";
        }

        using RegistryClient client = CreateBaseImageClient(settings.BaseRegistry, outputRegistry);
        StoredImage? baseImage = ImageCache.ReadPlatformImageAsync(client, settings.BaseRepository, settings.BaseDigest, ImageCheck.Platform(settings.RuntimeIdentifier))
            .GetAwaiter().GetResult();
        if (baseImage is null)
        {
            return $"the base image {settings.BaseRegistry}/{settings.BaseRepository}@{settings.BaseDigest} has no single image for {settings.RuntimeIdentifier}";
        }

        IReadOnlyList<string> disagreements = ImageCheck.Disagreements(candidate, baseImage, settings, key);
        return disagreements.Count == 0 ? null : $"its {string.Join(", ", disagreements)} {(disagreements.Count == 1 ? "disagrees" : "disagree")} with this publish";
    }

    /// <summary>Whether the key of this build covers the base image's digest: only such a key can select an image.</summary>
    protected bool KeyCoversBaseDigest(string key, out string baseImage)
    {
        ImageSettings? settings = KeyInputs.Find(BuildEngine, key);
        baseImage = settings is null ? "" : $"{settings.BaseRegistry}/{settings.BaseRepository}{(settings.BaseTag.Length == 0 ? "" : ":" + settings.BaseTag)}";
        return settings is not null && settings.BaseDigest.Length > 0;
    }

    private TimeSpan ParseTimeout()
    {
        if (RegistryTimeout.Length == 0)
        {
            return RegistryClientOptions.DefaultTimeout;
        }

        // NaN passes every comparison, and a value below a millisecond is a timeout of zero to HttpClient (and to .NET Framework's TimeSpan).
        if (!double.TryParse(RegistryTimeout, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds)
            || double.IsNaN(seconds)
            || seconds < 0.001
            || seconds > 600)
        {
            throw new ContainerCacheException(
                DiagnosticCodes.InvalidPropertyValue,
                $"ContainerCacheRegistryTimeout is '{RegistryTimeout}'; it must be a number of seconds from 0.001 to 600.");
        }

        return TimeSpan.FromMilliseconds(Math.Round(seconds * 1000));
    }

    /// <summary>Logs an input at low importance, like MinVer: <c>ContainerCache: [input] Name=value</c>.</summary>
    protected void LogInput(string name, string value) =>
        Log.LogMessage(MessageImportance.Low, "ContainerCache: [input] {0}={1}", name, Printable.Of(value));

    /// <summary>Logs an output at low importance: <c>ContainerCache: [output] Name=value</c>.</summary>
    protected void LogOutput(string name, string value) =>
        Log.LogMessage(MessageImportance.Low, "ContainerCache: [output] {0}={1}", name, Printable.Of(value));
}
