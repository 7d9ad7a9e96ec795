using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
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
            Report(e.Report);
        }
        catch (Exception e)
        {
            // A bug of ours, not bad input: say so, with a code, and keep the stack trace for the report.
            Report(DiagnosticMessages.UnexpectedFailure.With(e.GetType().FullName ?? "", e.Message));
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

    /// <summary>
    /// An error or a warning, as the catalogue's severity for its code says, worded in
    /// <see cref="DiagnosticMessages"/>, with the code's doc page as the help link. The values were
    /// made printable when filled in; the whole message is again here, which changes nothing then.
    /// </summary>
    private protected void Report(DiagnosticReport report)
    {
        Diagnostic diagnostic = report.Diagnostic;
        string message = Printable.Of(report.Message);
        if (diagnostic.Severity == DiagnosticSeverity.Error)
        {
            Log.LogError(subcategory: null, diagnostic.Code, helpKeyword: null, diagnostic.HelpLink, file: null, 0, 0, 0, 0, message);
        }
        else
        {
            Log.LogWarning(subcategory: null, diagnostic.Code, helpKeyword: null, diagnostic.HelpLink, file: null, 0, 0, 0, 0, message);
        }
    }

    private protected RegistryClient CreateRegistryClient(string registry, RegistryUse use) =>
        new(registry, new RegistryClientOptions { Timeout = _timeout, Use = use, Cache = BuildContentCache(), PlainHttpFile = PlainHttpFile });

    /// <summary>What the build's clients have read by digest (see <see cref="RegistryContentCache"/>), kept until the build ends.</summary>
    private RegistryContentCache? BuildContentCache() => ForThisBuild("ContainerCache.RegistryContent", () => new RegistryContentCache());

    private static readonly object BuildObjectsLock = new();

    /// <summary>
    /// The object the build's tasks share under <paramref name="name"/> until the build ends, made by
    /// <paramref name="create"/> for the first that asks; null when the engine keeps no such objects.
    /// </summary>
    private protected T? ForThisBuild<T>(string name, Func<T> create)
        where T : class
    {
        if (BuildEngine is not IBuildEngine4 engine)
        {
            return null;
        }

        lock (BuildObjectsLock)
        {
            if (engine.GetRegisteredTaskObject(name, RegisteredTaskObjectLifetime.Build) is not T shared)
            {
                shared = create();
                engine.RegisterTaskObject(name, shared, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: true);
            }

            return shared;
        }
    }

    /// <summary>Checks a registry name before anything connects to it; <paramref name="property"/> is where the user wrote it.</summary>
    /// <exception cref="ContainerCacheException">CONTAINERCACHE1003 naming the property.</exception>
    protected static void RequireRegistry(string registry, string property)
    {
        if (ImageReference.RegistryError(registry) is { } error)
        {
            throw new ContainerCacheException(DiagnosticMessages.RegistryInvalid.With(property, registry, error));
        }
    }

    /// <exception cref="ContainerCacheException">CONTAINERCACHE1003 naming the property.</exception>
    protected static void RequireRepository(string repository, string property)
    {
        if (!ImageReference.IsRepository(repository))
        {
            throw new ContainerCacheException(DiagnosticMessages.RepositoryInvalid.With(property, repository));
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

    /// <summary>
    /// Resolves the base image's tag to the digest it names at its registry, or "" with a warning
    /// when the registry cannot answer (the key then covers the base by name).
    /// </summary>
    /// <exception cref="ContainerCacheException">The base image's reference is not valid.</exception>
    private protected string ResolveBaseDigest(ImageSettings settings, string outputRegistry)
    {
        if (settings.BaseRegistry.Length == 0 || settings.BaseRepository.Length == 0)
        {
            return "";
        }

        // The SDK parsed these from ContainerBaseImage; checked again before they go into a URL.
        RequireRegistry(settings.BaseRegistry, "ContainerBaseImage's registry");
        RequireRepository(settings.BaseRepository, "ContainerBaseImage's repository");
        string reference = settings.BaseTag.Length == 0 ? "latest" : settings.BaseTag;
        if (!ImageTag.IsValid(reference))
        {
            throw new ContainerCacheException(DiagnosticMessages.BaseImageTagInvalid.With(reference));
        }

        string image = $"{settings.BaseRegistry}/{settings.BaseRepository}:{reference}";
        try
        {
            using RegistryClient client = CreateBaseImageClient(settings.BaseRegistry, outputRegistry);
            Manifest manifest = client.GetManifestAsync(settings.BaseRepository, reference).GetAwaiter().GetResult()
                ?? throw new RegistryException($"{settings.BaseRegistry} has no image {settings.BaseRepository}:{reference}");
            Log.LogMessage(MessageImportance.Normal, "ContainerCache: base image {0} is {1}", Printable.Of(image), Printable.Of(manifest.Digest));
            return manifest.Digest;
        }
        catch (RegistryException e)
        {
            Report(DiagnosticMessages.BaseImageUnresolved.With(image, e.Message));
            return "";
        }
    }

    /// <summary>Logs what the core has to say, as it worded it: <c>ContainerCache: TEXT</c>, at its importance.</summary>
    private protected void LogNotes(IEnumerable<KeyNote> notes)
    {
        foreach (KeyNote note in notes)
        {
            MessageImportance importance = note.Importance switch
            {
                KeyNoteImportance.High => MessageImportance.High,
                KeyNoteImportance.Normal => MessageImportance.Normal,
                _ => MessageImportance.Low,
            };
            Log.LogMessage(importance, "ContainerCache: {0}", note.Text);
        }
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
            throw new ContainerCacheException(DiagnosticMessages.RegistryTimeoutInvalid.With(RegistryTimeout));
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
