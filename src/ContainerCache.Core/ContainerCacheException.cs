using System;

namespace ContainerCache;

/// <summary>
/// Bad input that stops keying. <see cref="Code"/> is the stable diagnostic code the build reports;
/// the message names the file or property at fault.
/// </summary>
public sealed class ContainerCacheException : Exception
{
    public ContainerCacheException(string code, string message, Exception? inner = null)
        : base(message, inner) => Code = code;

    public string Code { get; }
}

/// <summary>The stable diagnostic codes. Each has a page under docs/diagnostics.</summary>
public static class DiagnosticCodes
{
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
    public const string LabelsDisabled = "CONTAINERCACHE2001";
    public const string BaseImageUnresolved = "CONTAINERCACHE2002";
    public const string CacheLookupFailed = "CONTAINERCACHE2003";

    /// <summary>Files in the publish directory that this publish did not produce: they ship in the image.</summary>
    public const string StaleFiles = "CONTAINERCACHE2004";

    /// <summary>The SDK lacks a private name the package relies on (build/ContainerCache.Sdk.targets warns): nothing is reused.</summary>
    public const string SdkNameMissing = "CONTAINERCACHE2005";
}
