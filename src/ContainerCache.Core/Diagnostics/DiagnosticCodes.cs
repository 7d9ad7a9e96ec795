using System;
using System.Collections.Generic;
using System.Linq;

namespace ContainerCache.Diagnostics;

/// <summary>
/// Every diagnostic the package reports, in one place: its stable code, its severity, what it means
/// and its doc page, which goes out with it as the help link. What each says is worded in
/// <see cref="DiagnosticMessages"/>, with the particulars (the property, the file, the reason) as
/// values; the tasks, the core and the targets raise those messages by name. A test holds this
/// catalogue, the messages, their raise sites, the pages under docs/diagnostics and the README's
/// table to each other.
/// </summary>
internal static class DiagnosticCodes
{
    /// <summary>Where the doc pages are: a page per code, named by it.</summary>
    public const string HelpLinkBase = "https://github.com/containercache/containercache/blob/main/docs/diagnostics/";

    public const string PublishDirectoryMissing = "CONTAINERCACHE1001";
    public const string FileUnreadable = "CONTAINERCACHE1002";
    public const string InvalidPropertyValue = "CONTAINERCACHE1003";
    public const string InvalidTag = "CONTAINERCACHE1004";
    public const string KeyFileUnwritable = "CONTAINERCACHE1005";
    public const string ImageKeyMismatch = "CONTAINERCACHE1006";
    public const string ImageUnreadable = "CONTAINERCACHE1007";
    public const string BaselineUnreadable = "CONTAINERCACHE1008";
    public const string VerifyKeyWithoutBaseDigest = "CONTAINERCACHE1009";
    public const string SpecialFile = "CONTAINERCACHE1010";
    public const string FileTooLarge = "CONTAINERCACHE1011";
    public const string NotAKeyFile = "CONTAINERCACHE1012";

    /// <summary>An exception the package did not expect: a bug, reported with its type and message instead of MSBuild's stack trace.</summary>
    public const string UnexpectedFailure = "CONTAINERCACHE1013";

    /// <summary>ContainerCacheExplain or ContainerCacheVerify with ContainerCacheEnabled=false (reported by the targets).</summary>
    public const string PackageDisabled = "CONTAINERCACHE1014";

    /// <summary>A results file for the pipeline (ContainerCacheResultsFile, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, the GitLab dotenv file) cannot be written.</summary>
    public const string ResultsFileUnwritable = "CONTAINERCACHE1017";

    /// <summary>ContainerGenerateLabels=false (reported by the targets).</summary>
    public const string LabelsDisabled = "CONTAINERCACHE2001";
    public const string BaseImageUnresolved = "CONTAINERCACHE2002";
    public const string CacheLookupFailed = "CONTAINERCACHE2003";

    /// <summary>Files in the publish directory that this publish did not produce: they ship in the image.</summary>
    public const string StaleFiles = "CONTAINERCACHE2004";

    /// <summary>The SDK lacks a private name the package relies on (build/ContainerCache.Sdk.targets warns): nothing is reused.</summary>
    public const string SdkNameMissing = "CONTAINERCACHE2005";

    /// <summary>The local engine the SDK loads into (docker, podman) is not there, failed or did not answer in time: the image is built.</summary>
    public const string LocalStoreUnavailable = "CONTAINERCACHE2006";

    /// <summary>A DLL built by a project this publish references records the folder it was built in: the same sources elsewhere give another key.</summary>
    public const string UnmappedProjectReference = "CONTAINERCACHE2007";

    /// <summary>Every code, in order; the titles are the doc pages' titles.</summary>
    public static IReadOnlyList<Diagnostic> All { get; } =
    [
        Error(PublishDirectoryMissing, "the publish directory does not exist"),
        Error(FileUnreadable, "a file in the publish output cannot be read"),
        Error(InvalidPropertyValue, "a property has an invalid value"),
        Error(InvalidTag, "a tag the package would add is not a valid image tag"),
        Error(KeyFileUnwritable, "the key file cannot be written"),
        Error(ImageKeyMismatch, "the image is not the one the current sources build"),
        Error(ImageUnreadable, "the image to verify cannot be read"),
        Error(BaselineUnreadable, "the baseline cannot be read"),
        Error(VerifyKeyWithoutBaseDigest, "the key covers the base image by name only, so the image cannot be verified"),
        Error(SpecialFile, "the publish output holds a file the SDK cannot layer"),
        Error(FileTooLarge, "a file is too large to be read whole"),
        Error(NotAKeyFile, "the key file's path holds a file that is not a key file"),
        Error(UnexpectedFailure, "ContainerCache failed unexpectedly"),
        Error(PackageDisabled, "the package is off, so there is no key to explain or verify"),
        Error(ResultsFileUnwritable, "a results file for the pipeline cannot be written"),
        Warning(LabelsDisabled, "the image will not carry the key label"),
        Warning(BaseImageUnresolved, "the base image could not be resolved to a digest"),
        Warning(CacheLookupFailed, "the image stored for this key could not be looked up or checked"),
        Warning(StaleFiles, "files an earlier publish left in the publish directory ship in the image"),
        Warning(SdkNameMissing, "the .NET SDK lacks a name the package relies on"),
        Warning(LocalStoreUnavailable, "the local image store could not be asked for the image of this key"),
        Warning(UnmappedProjectReference, "a referenced project's DLL records the folder it was built in"),
    ];

    /// <summary>The doc page of <paramref name="code"/>.</summary>
    public static string HelpLink(string code) => HelpLinkBase + code + ".md";

    /// <exception cref="ArgumentException">Not a code of the catalogue: a bug.</exception>
    public static Diagnostic Get(string code) =>
        All.FirstOrDefault(d => d.Code == code) ?? throw new ArgumentException($"'{code}' is not a ContainerCache diagnostic code.", nameof(code));

    private static Diagnostic Error(string code, string title) => new(code, DiagnosticSeverity.Error, title);

    private static Diagnostic Warning(string code, string title) => new(code, DiagnosticSeverity.Warning, title);
}
