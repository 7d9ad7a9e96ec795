using System;

namespace ContainerCache.Diagnostics;

/// <summary>
/// Bad input that stops keying. <see cref="Code"/> is the stable diagnostic code the build reports;
/// the message names the file or property at fault.
/// </summary>
internal sealed class ContainerCacheException : Exception
{
    public ContainerCacheException(string code, string message, Exception? inner = null)
        : base(message, inner) => Code = code;

    public string Code { get; }
}
