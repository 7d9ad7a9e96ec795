using System;
using System.Collections.Generic;
using System.Globalization;
using ContainerCache.Registry;
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
            ExecuteCore();
        }
        catch (ContainerCacheException e)
        {
            Log.LogError(subcategory: null, e.Code, helpKeyword: null, file: null, 0, 0, 0, 0, e.Message);
        }

        return !Log.HasLoggedErrors;
    }

    /// <summary>The bound, in seconds, on each request to a registry (ContainerCacheRegistryTimeout).</summary>
    public string RegistryTimeout { get; set; } = "";

    protected abstract void ExecuteCore();

    protected void LogWarning(string code, string message) =>
        Log.LogWarning(subcategory: null, code, helpKeyword: null, file: null, 0, 0, 0, 0, message);

    protected RegistryClient CreateRegistryClient(string registry, RegistryUse use) =>
        new(registry, new RegistryClientOptions { Timeout = ParseTimeout(), Use = use });

    /// <summary>The base image is pulled with the push credentials when it is in the registry pushed to, as the SDK does.</summary>
    protected RegistryClient CreateBaseImageClient(string baseRegistry, string outputRegistry) =>
        CreateRegistryClient(
            baseRegistry,
            string.Equals(baseRegistry, outputRegistry, StringComparison.OrdinalIgnoreCase) ? RegistryUse.PullFromOutput : RegistryUse.Pull);

    /// <summary>
    /// Why <paramref name="candidate"/>, labelled with <paramref name="key"/>, is not the image this
    /// publish builds (see <see cref="ImageCheck"/>), or null when everything that can be read agrees.
    /// The base image is read at the digest the key covers.
    /// </summary>
    /// <exception cref="RegistryException">The base image could not be read.</exception>
    protected string? WhyNotThisPublish(StoredImage candidate, string key, string outputRegistry)
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

        if (!double.TryParse(RegistryTimeout, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || seconds <= 0 || seconds > 600)
        {
            throw new ContainerCacheException(
                DiagnosticCodes.InvalidPropertyValue,
                $"ContainerCacheRegistryTimeout is '{RegistryTimeout}'; it must be a number of seconds greater than 0 and at most 600.");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Logs an input at low importance, like MinVer: <c>ContainerCache: [input] Name=value</c>.</summary>
    protected void LogInput(string name, string value) =>
        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "ContainerCache: [input] {0}={1}", name, value);
}
