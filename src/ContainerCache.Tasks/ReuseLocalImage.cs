using System;
using System.Linq;
using ContainerCache.Diagnostics;
using ContainerCache.LocalStore;
using ContainerCache.Registry;
using Microsoft.Build.Framework;

namespace ContainerCache.Tasks;

/// <summary>
/// With no ContainerRegistry, the SDK loads the image into a local engine (Docker or Podman, its own
/// choice: see <see cref="LocalEngine"/>). When that engine already stores an image under the key's
/// tag, and it carries this key as its label and everything else its config says agrees with this
/// publish (<see cref="ImageCheck"/>, as for a registry), every requested tag is put on it and it is
/// returned as the SDK would have; nothing is built or loaded. An engine that is not there, fails or
/// does not answer in time is a warning and a miss.
/// </summary>
public sealed class ReuseLocalImage : ReuseTask
{
    /// <summary>The SDK's LocalRegistry property: Docker, Podman, or empty for its own detection.</summary>
    public string LocalRegistry { get; set; } = "";

    [Required]
    public string KeyTag { get; set; } = "";

    /// <summary>What the SDK returned for the last image it loaded (<see cref="LoadedImageRecord"/>); optional.</summary>
    public string LoadedImageFile { get; set; } = "";

    protected override void ExecuteCore()
    {
        RequireRepository(Repository, "ContainerRepository");
        LogInput("LocalRegistry", LocalRegistry);
        if (!CanSelectImage())
        {
            return;
        }

        string keyName = Repository + ":" + KeyTag;
        LocalEngine? engine = null;
        LocalImage? found;
        try
        {
            engine = LocalEngine.Choose(LocalRegistry, RequestTimeout);
            if (engine is null)
            {
                Log.LogMessage(MessageImportance.Normal, "ContainerCache: LocalRegistry is '{0}', a store ContainerCache does not read; building the image.", LocalRegistry);
                return;
            }

            LogOutput("LocalEngine", engine.Kind + " (" + engine.Command + ")");
            found = engine.Find(keyName);
        }
        catch (LocalStoreException e)
        {
            WarnUnavailable(engine, e);
            return;
        }

        if (found is null)
        {
            Log.LogMessage(MessageImportance.High, "ContainerCache: miss: {0} has no image {1}; building the image.", engine.Kind, engine.StoredName(keyName));
            return;
        }

        // The SDK's own config and manifest, when the last image it loaded here is this one (its ID proves it); else the engine's view.
        StoredImage image = (LoadedImageFile.Length == 0 ? null : LoadedImageRecord.Read(LoadedImageFile, found.Id)) ?? found.Image;
        LogOutput("ImageDescribedBy", ReferenceEquals(image, found.Image) ? "the engine" : LoadedImageFile);
        string? reason;
        try
        {
            // The label first: it costs nothing. Then the image against the base, read from its registry.
            reason = image.Key != Key
                ? $"its label {ImageSettingsLabel} is {image.Key ?? "(none)"}, not {Key}"
                : WhyNotThisPublish(image, Key, outputRegistry: "");
        }
        catch (RegistryException e)
        {
            Report(DiagnosticMessages.LocalImageCheckFailed.With(engine.Kind, keyName, Key, e.Message));
            return;
        }

        if (reason is not null)
        {
            Log.LogMessage(MessageImportance.High, "ContainerCache: miss: {0}'s image {1} ({2}) is not this publish's: {3}; building the image.", engine.Kind, engine.StoredName(keyName), found.Id, Printable.Of(reason));
            return;
        }

        string[] tags = RequestedTags.Where(t => t != KeyTag).ToArray();
        try
        {
            foreach (string tag in tags)
            {
                engine.Tag(found.Id, Repository + ":" + tag);
            }
        }
        catch (LocalStoreException e)
        {
            WarnUnavailable(engine, e);
            return;
        }

        SetHit(image, tags.Prepend(KeyTag).Select(t => Repository + ":" + t));
        LogOutput("ImageId", found.Id);
        Log.LogMessage(
            MessageImportance.High,
            "ContainerCache: hit: {0} has {1} ({2}) with key {3}; nothing built or loaded{4}.",
            engine.Kind,
            engine.StoredName(keyName),
            found.Id,
            Key,
            tags.Length == 0 ? "" : "; tagged " + string.Join(", ", tags));
    }

    private const string ImageSettingsLabel = Keys.ImageSettings.KeyLabel;

    private void WarnUnavailable(LocalEngine? engine, LocalStoreException e) =>
        Report(engine is null
            ? DiagnosticMessages.LocalStoreUnavailable.With(Key, e.Message)
            : DiagnosticMessages.LocalEngineUnavailable.With(engine.Kind, Key, e.Message));
}
