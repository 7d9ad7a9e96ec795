using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace ContainerCache.Diagnostics;

/// <summary>
/// Every message the package's errors and warnings say, in code order: the tasks and the Core raise
/// them by name with their values (<c>throw new ContainerCacheException(DiagnosticMessages.X.With(...))</c>,
/// <c>LogWarning(DiagnosticMessages.X.With(...))</c>), and the targets through the
/// ReportContainerCacheDiagnostic task (<c>Message="X" Argument0="..."</c>). A code may have several
/// messages, one per cause. Values are made printable when filled in (<see cref="DiagnosticTemplate.Fill"/>).
/// A test holds each template's placeholders to its number of values, and every message to a use.
/// </summary>
internal static class DiagnosticMessages
{
    // CONTAINERCACHE1001: the publish directory does not exist.

    /// <summary>{0}: the directory.</summary>
    public static readonly DiagnosticMessage<string> PublishDirectoryMissing = new(DiagnosticCodes.PublishDirectoryMissing,
        "The publish directory '{0}' does not exist. Publish the project before keying it.");

    // CONTAINERCACHE1002: a file in the publish output cannot be read.

    /// <summary>{0}: the file's full path; {1}: the system's reason.</summary>
    public static readonly DiagnosticMessage<string, string> FileUnreadable = new(DiagnosticCodes.FileUnreadable,
        "The file '{0}' in the publish output cannot be read: {1}");

    /// <summary>{0}: the directory; {1}: the system's reason.</summary>
    public static readonly DiagnosticMessage<string, string> DirectoryUnreadable = new(DiagnosticCodes.FileUnreadable,
        "The directory '{0}' in the publish output cannot be read: {1}");

    /// <summary>{0}: the directory, whose names can be listed but whose entries cannot be reached.</summary>
    public static readonly DiagnosticMessage<string> DirectoryEntriesNotSearchable = new(DiagnosticCodes.FileUnreadable,
        "The directory '{0}' in the publish output cannot be searched: it lacks execute (search) permission for this user, so its entries in it cannot be read. Give the directory execute permission (chmod +x), or remove it.");

    /// <summary>{0}: the directory; {1}: the entry in it that cannot be reached, by its relative path.</summary>
    public static readonly DiagnosticMessage<string, string> DirectoryNotSearchable = new(DiagnosticCodes.FileUnreadable,
        "The directory '{0}' in the publish output cannot be searched: it lacks execute (search) permission for this user, so '{1}' in it cannot be read. Give the directory execute permission (chmod +x), or remove it.");

    /// <summary>{0}: the entry's relative path; {1}: its full path.</summary>
    public static readonly DiagnosticMessage<string, string> EntryGone = new(DiagnosticCodes.FileUnreadable,
        "'{0}' in the publish output ('{1}') was listed but cannot be found by its name: it was removed while it was keyed, or its name cannot be passed back to the operating system.");

    /// <summary>{0}: the entry's relative path, U+FFFD where its bytes are not UTF-8; {1}: its full path.</summary>
    public static readonly DiagnosticMessage<string, string> NameNotUtf8 = new(DiagnosticCodes.FileUnreadable,
        "The name of '{0}' in the publish output ('{1}') is not valid UTF-8 (shown with U+FFFD in place of the bytes that are not), and .NET, the SDK's containers tooling included, cannot open a file by such a name. Rename it in UTF-8, or remove it.");

    // CONTAINERCACHE1003: a property has an invalid value.

    /// <summary>{0}: the switch; {1}: its value. Raised by the targets.</summary>
    public static readonly DiagnosticMessage<string, string> SwitchNotBoolean = new(DiagnosticCodes.InvalidPropertyValue,
        "{0} is '{1}'; it must be true or false.");

    /// <summary>{0}: ContainerCacheRegistryTimeout's value.</summary>
    public static readonly DiagnosticMessage<string> RegistryTimeoutInvalid = new(DiagnosticCodes.InvalidPropertyValue,
        "ContainerCacheRegistryTimeout is '{0}'; it must be a number of seconds from 0.001 to 600.");

    /// <summary>{0}: the property; {1}: its registry; {2}: what is wrong with it.</summary>
    public static readonly DiagnosticMessage<string, string, string> RegistryInvalid = new(DiagnosticCodes.InvalidPropertyValue,
        "{0} '{1}' is not a registry name: {2}");

    /// <summary>{0}: the property; {1}: its repository.</summary>
    public static readonly DiagnosticMessage<string, string> RepositoryInvalid = new(DiagnosticCodes.InvalidPropertyValue,
        "{0} '{1}' is not a repository name: lowercase letters and digits, separated by '/', '.', '_' or '-'.");

    /// <summary>{0}: the tag of ContainerBaseImage.</summary>
    public static readonly DiagnosticMessage<string> BaseImageTagInvalid = new(DiagnosticCodes.InvalidPropertyValue,
        "ContainerBaseImage's tag '{0}' is not a valid image tag.");

    public static readonly DiagnosticMessage VerifyImageEmpty = new(DiagnosticCodes.InvalidPropertyValue,
        "ContainerCacheVerifyImage is empty; set it to the image to check, as REGISTRY/REPOSITORY:TAG.");

    /// <summary>{0}: why ContainerCacheVerifyImage is not an image reference.</summary>
    public static readonly DiagnosticMessage<string> VerifyImageInvalid = new(DiagnosticCodes.InvalidPropertyValue,
        "ContainerCacheVerifyImage: {0}");

    /// <summary>{0}: why the index key cannot be computed.</summary>
    public static readonly DiagnosticMessage<string> PlatformKeysInvalid = new(DiagnosticCodes.InvalidPropertyValue,
        "@(ContainerCacheImageKey): the image index's key cannot be computed from its platforms' keys: {0}");

    // CONTAINERCACHE1004: a tag the package would add is not a valid image tag.

    /// <summary>{0}: the tags that are not valid, as given. Raised by the targets.</summary>
    public static readonly DiagnosticMessage<string> MissTagsInvalid = new(DiagnosticCodes.InvalidTag,
        "ContainerCacheMissTags holds '{0}', which is not a valid image tag: a tag is 1 to 128 letters, digits, '_', '.' or '-', and does not start with '.' or '-'; tags are separated by ';'.");

    /// <summary>{0}: ContainerCacheTagPrefix.</summary>
    public static readonly DiagnosticMessage<string> TagPrefixInvalid = new(DiagnosticCodes.InvalidTag,
        "ContainerCacheTagPrefix '{0}' does not make a valid image tag: a tag is 1 to 128 letters, digits, '_', '.' or '-', and does not start with '.' or '-'. With the 32-character key, the prefix may be at most 96 characters.");

    // CONTAINERCACHE1005: the key file cannot be written.

    /// <summary>{0}: which key file (a property, or a description); {1}: its path; {2}: the system's reason.</summary>
    public static readonly DiagnosticMessage<string, string, string> KeyFileUnwritable = new(DiagnosticCodes.KeyFileUnwritable,
        "{0} '{1}' cannot be written: {2}");

    /// <summary>{0}: the copy's path; {1}: the reason.</summary>
    public static readonly DiagnosticMessage<string, string> LastKeyCopyUnwritable = new(DiagnosticCodes.KeyFileUnwritable,
        "The copy of the last key file '{0}' cannot be written: {1}");

    /// <summary>{0}: the key file; {1}: the system's reason.</summary>
    public static readonly DiagnosticMessage<string, string> KeyFileUnreadableForIndex = new(DiagnosticCodes.KeyFileUnwritable,
        "The key file '{0}' cannot be read to add the image index's key: {1}");

    // CONTAINERCACHE1006: the image is not the one the current sources build.

    /// <summary>{0}: the image; {1}: the current key; {2}: what it has instead; {3}: the tag to point at.</summary>
    public static readonly DiagnosticMessage<string, string, string, string> ImageKeyMismatch = new(DiagnosticCodes.ImageKeyMismatch,
        "The image {0} is not the image the current sources build (key {1}); it has {2}. Publish the current sources, or point the deployment at the image tagged {3}.");

    /// <summary>{0}: the index; {1}: the platforms it lists that are not built; {2}: ContainerRuntimeIdentifiers.</summary>
    public static readonly DiagnosticMessage<string, string, string> IndexListsOtherPlatforms = new(DiagnosticCodes.ImageKeyMismatch,
        "The image index {0} is not the one the current sources build: it lists {1}, which ContainerRuntimeIdentifiers ({2}) does not. Publish the current sources, or point the deployment at the index tagged with their index key.");

    /// <summary>{0}: the index; {1}: the platform; {2}: its runtime identifier; {3}: the current key.</summary>
    public static readonly DiagnosticMessage<string, string, string, string> IndexListsNoImageOfPlatform = new(DiagnosticCodes.ImageKeyMismatch,
        "The image index {0} lists no image for {1} ({2}); the current sources build one, with key {3}. Publish the current sources, or point the deployment at the index tagged with their index key.");

    /// <summary>{0}: the index; {1}: how many images it lists for the platform; {2}: the platform; {3}: its runtime identifier; {4}: the current key.</summary>
    public static readonly DiagnosticMessage<string, int, string, string, string> IndexListsImagesOfPlatform = new(DiagnosticCodes.ImageKeyMismatch,
        "The image index {0} lists {1} images for {2} ({3}); the current sources build one, with key {4}. Publish the current sources, or point the deployment at the index tagged with their index key.");

    /// <summary>{0}: the image; {1}: the runtime identifiers built. Raised by the targets.</summary>
    public static readonly DiagnosticMessage<string, string> ImageOfNoPlatform = new(DiagnosticCodes.ImageKeyMismatch,
        "The image {0} is an image of none of the platforms the current sources build ({1}). Point the deployment at their image index, or at one of their platform images.");

    // CONTAINERCACHE1007: the image to verify cannot be read.

    /// <summary>{0}: the image.</summary>
    public static readonly DiagnosticMessage<string> ImageMissing = new(DiagnosticCodes.ImageUnreadable,
        "The image {0} named by ContainerCacheVerifyImage does not exist.");

    /// <summary>{0}: the image; {1}: the registry's or the network's reason.</summary>
    public static readonly DiagnosticMessage<string, string> ImageUnreadable = new(DiagnosticCodes.ImageUnreadable,
        "The image {0} named by ContainerCacheVerifyImage could not be read, so it cannot be verified: {1}");

    // CONTAINERCACHE1008: the baseline cannot be read.

    /// <summary>{0}: the baseline; {1}: the reason.</summary>
    public static readonly DiagnosticMessage<string, string> BaselineUnreadable = new(DiagnosticCodes.BaselineUnreadable,
        "ContainerCacheBaseline '{0}' cannot be read as a key file: {1}");

    // CONTAINERCACHE1009: the key covers the base image by name only.

    /// <summary>{0}: the image; {1}: the current key; {2}: the base image, by name.</summary>
    public static readonly DiagnosticMessage<string, string, string> VerifyKeyWithoutBaseDigest = new(DiagnosticCodes.VerifyKeyWithoutBaseDigest,
        "The image {0} cannot be verified: the key {1} of the current sources covers the base image {2} by name only, not by digest (it could not be resolved, or ContainerCacheResolveBaseImage is false), so an image built on another base under that tag would carry the same key. Let the base image be resolved, or give it by digest.");

    // CONTAINERCACHE1010: the publish output holds a file the SDK cannot layer.

    /// <summary>{0}: the entry's relative path; {1}: its full path; {2}: what it is (a FIFO, a socket, ...).</summary>
    public static readonly DiagnosticMessage<string, string, string> SpecialFile = new(DiagnosticCodes.SpecialFile,
        "'{0}' in the publish output ('{1}') is {2}. " + SpecialFileAdvice);

    /// <summary>{0}: the link's relative path; {1}: its full path; {2}: its target; {3}: what the target is.</summary>
    public static readonly DiagnosticMessage<string, string, string, string> LinkToSpecialFile = new(DiagnosticCodes.SpecialFile,
        "'{0}' in the publish output ('{1}') is a link to '{2}', which is {3}. " + SpecialFileAdvice);

    // CONTAINERCACHE1011: a file is too large to be read whole.

    /// <summary>{0}: the file; {1}: the bound.</summary>
    public static readonly DiagnosticMessage<string, string> StaticWebAssetsManifestTooLarge = new(DiagnosticCodes.FileTooLarge,
        "The file '{0}' in the publish output is larger than {1}, the most ContainerCache reads into memory to normalise a static web assets manifest. Make it smaller, or set ContainerCacheEnabled=false for this project.");

    /// <summary>{0}: which key file (ContainerCacheBaseline, or the last publish's); {1}: its path; {2}: the bound.</summary>
    public static readonly DiagnosticMessage<string, string, string> KeyFileTooLarge = new(DiagnosticCodes.FileTooLarge,
        "{0} '{1}' is larger than {2}, the most ContainerCache reads of a key file (one of 20,000 files is a few MiB), so it is not compared.");

    // CONTAINERCACHE1012: the key file's path holds a file that is not a key file.

    /// <summary>{0}: which key file (a property, or a description); {1}: its path; {2}: why it is not a key file.</summary>
    public static readonly DiagnosticMessage<string, string, string> NotAKeyFile = new(DiagnosticCodes.NotAKeyFile,
        "{0} '{1}' already exists and is not a key file ({2}), so it is not replaced. Point it at another path, or delete that file if nothing needs it.");

    public static readonly DiagnosticMessage KeyFileEndUnknown = new(DiagnosticCodes.NotAKeyFile,
        "The key file does not end as a key file that ContainerCache writes does, so the image index's key is not added to it.");

    // CONTAINERCACHE1013: ContainerCache failed unexpectedly.

    /// <summary>{0}: the exception's type; {1}: its message.</summary>
    public static readonly DiagnosticMessage<string, string> UnexpectedFailure = new(DiagnosticCodes.UnexpectedFailure,
        "ContainerCache failed unexpectedly: {0}: {1}; please report it (the stack trace is in the log at detailed verbosity).");

    // CONTAINERCACHE1014: the package is off, so there is no key to explain or verify.

    /// <summary>{0}: ContainerCacheEnabled. Raised by the targets.</summary>
    public static readonly DiagnosticMessage<string> PackageDisabled = new(DiagnosticCodes.PackageDisabled,
        "ContainerCacheEnabled is '{0}', so there is no key to explain or verify; remove it, or set it to true.");

    // CONTAINERCACHE1017: a results file for the pipeline cannot be written.

    /// <summary>{0}: the file; {1}: the setting that names it; {2}: the system's reason.</summary>
    public static readonly DiagnosticMessage<string, string, string> ResultsFileUnwritable = new(DiagnosticCodes.ResultsFileUnwritable,
        "The file {0} ({1}) could not be written: {2}");

    /// <summary>{0}: the file; {1}: the setting that names it; {2}: the seconds waited; {3}: the system's reason.</summary>
    public static readonly DiagnosticMessage<string, string, double, string> ResultsFileHeld = new(DiagnosticCodes.ResultsFileUnwritable,
        "The file {0} ({1}) could not be written within {2:0.#} seconds: {3}");

    // CONTAINERCACHE2001: the image will not carry the key label.

    /// <summary>{0}: the key label's name. Raised by the targets.</summary>
    public static readonly DiagnosticMessage<string> LabelsDisabled = new(DiagnosticCodes.LabelsDisabled,
        "ContainerGenerateLabels is false, so the SDK drops every label, and the image will not carry the label {0}. Remove ContainerGenerateLabels=false, or set ContainerCacheGenerateLabel=false to silence this warning.");

    // CONTAINERCACHE2002: the base image could not be resolved to a digest.

    /// <summary>{0}: the base image; {1}: the registry's or the network's reason.</summary>
    public static readonly DiagnosticMessage<string, string> BaseImageUnresolved = new(DiagnosticCodes.BaseImageUnresolved,
        "The base image {0} could not be resolved to a digest, so the key covers its name only, and a base re-pushed under the same tag would not change it: {1}");

    // CONTAINERCACHE2003: the image stored for this key could not be looked up or checked.

    /// <summary>{0}: the key; {1}: the repository; {2}: the reason.</summary>
    public static readonly DiagnosticMessage<string, string, string> RegistryLookupFailed = new(DiagnosticCodes.CacheLookupFailed,
        "The image for key {0} could not be looked up in {1}, so it is built and pushed as usual: {2}");

    /// <summary>{0}: the key; {1}: the repository; {2}: the reason.</summary>
    public static readonly DiagnosticMessage<string, string, string> RegistryTagFailed = new(DiagnosticCodes.CacheLookupFailed,
        "The image for key {0} is in {1}, but could not be tagged there, so it is built and pushed as usual: {2}");

    /// <summary>{0}: the archive; {1}: the key; {2}: the reason.</summary>
    public static readonly DiagnosticMessage<string, string, string> ArchiveCheckFailed = new(DiagnosticCodes.CacheLookupFailed,
        "The archive {0} holds an image with key {1}, but it could not be checked, so it is written anew: {2}");

    /// <summary>{0}: the engine (Docker, Podman); {1}: the image's name; {2}: the key; {3}: the reason.</summary>
    public static readonly DiagnosticMessage<string, string, string, string> LocalImageCheckFailed = new(DiagnosticCodes.CacheLookupFailed,
        "{0} has an image {1} with key {2}, but it could not be checked against its base image, so the image is built as usual: {3}");

    // CONTAINERCACHE2004: files an earlier publish left in the publish directory ship in the image.

    /// <summary>{0}: the file.</summary>
    public static readonly DiagnosticMessage<string> StaleFile = new(DiagnosticCodes.StaleFiles,
        "1 file in the publish directory was not produced by this publish (an earlier publish left it, or it was put there from outside): {0}. It ships in the image; set ContainerCachePruneStaleFiles=true to delete it before the key is computed, or publish into a clean directory.");

    /// <summary>{0}: how many; {1}: the first of them, and how many more.</summary>
    public static readonly DiagnosticMessage<int, string> StaleFiles = new(DiagnosticCodes.StaleFiles,
        "{0} files in the publish directory were not produced by this publish (an earlier publish left them, or they were put there from outside): {1}. They ship in the image; set ContainerCachePruneStaleFiles=true to delete them before the key is computed, or publish into a clean directory.");

    /// <summary>{0}: the file and why it could not be deleted.</summary>
    public static readonly DiagnosticMessage<string> StaleFileUndeletable = new(DiagnosticCodes.StaleFiles,
        "1 file in the publish directory not produced by this publish could not be deleted, and ships in the image: {0}. Delete it, or publish into a clean directory.");

    /// <summary>{0}: how many; {1}: the first of them with why, and how many more.</summary>
    public static readonly DiagnosticMessage<int, string> StaleFilesUndeletable = new(DiagnosticCodes.StaleFiles,
        "{0} files in the publish directory not produced by this publish could not be deleted, and ship in the image: {1}. Delete them, or publish into a clean directory.");

    // CONTAINERCACHE2005: the .NET SDK lacks a name the package relies on.

    /// <summary>{0}: the SDK's version; {1}: its container targets file; {2}: what it lacks. Raised by the targets.</summary>
    public static readonly DiagnosticMessage<string, string, string> SdkNameMissing = new(DiagnosticCodes.SdkNameMissing,
        "The .NET SDK {0} lacks what ContainerCache relies on in its container targets {1}: {2}. The key is computed and stamped, but no image stored for it is reused. Use a version of ContainerCache that knows this SDK.");

    // CONTAINERCACHE2006: the local image store could not be asked for the image of this key.

    /// <summary>{0}: the key; {1}: the reason. No engine answered.</summary>
    public static readonly DiagnosticMessage<string, string> LocalStoreUnavailable = new(DiagnosticCodes.LocalStoreUnavailable,
        "The local image store could not be asked for the image of key {0}, so the image is built as usual: {1}");

    /// <summary>{0}: the engine (Docker, Podman); {1}: the key; {2}: the reason.</summary>
    public static readonly DiagnosticMessage<string, string, string> LocalEngineUnavailable = new(DiagnosticCodes.LocalStoreUnavailable,
        "The local image store ({0}) could not be asked for the image of key {1}, so the image is built as usual: {2}");

    // CONTAINERCACHE2007: a referenced project's DLL records the folder it was built in.

    /// <summary>{0}: the referenced project's file; {1}: its DLL; {2}: the PDB path the DLL records.</summary>
    public static readonly DiagnosticMessage<string, string, string> UnmappedProjectReference = new(DiagnosticCodes.UnmappedProjectReference,
        "The project {0}, which this publish references, was built without ContainerCache's path mapping: its DLL {1} records the folder it was built in ({2}), and ships in the image, so the same sources in another folder or clone give another key. Reference ContainerCache from every project that ships (a PackageReference in Directory.Build.props, or a GlobalPackageReference), or give that project PathMap=$(MSBuildProjectDirectory)=/_/.");

    /// <summary>Every message, by its name here.</summary>
    public static IReadOnlyDictionary<string, DiagnosticTemplate> All => s_all ??= typeof(DiagnosticMessages)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => typeof(DiagnosticTemplate).IsAssignableFrom(f.FieldType))
        .ToDictionary(f => f.Name, f => (DiagnosticTemplate)f.GetValue(null)!, StringComparer.Ordinal);

    /// <exception cref="ArgumentException">No message of that name: a bug.</exception>
    public static DiagnosticTemplate Get(string name) =>
        All.TryGetValue(name, out DiagnosticTemplate? message) ? message : throw new ArgumentException($"'{name}' is not a ContainerCache diagnostic message.", nameof(name));

    private static IReadOnlyDictionary<string, DiagnosticTemplate>? s_all;

    private const string SpecialFileAdvice =
        "The SDK opens every file it layers and reads it to its end, which for such a file blocks, never ends or fails, so ContainerCache never opens it. Remove it from the publish directory, or replace it with a regular file.";
}
