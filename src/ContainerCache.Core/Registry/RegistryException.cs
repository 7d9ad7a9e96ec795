using System;

namespace ContainerCache.Registry;

/// <summary>A registry answered, but not in a way the cache can use. The message names no secret.</summary>
internal sealed class RegistryException : Exception
{
    public RegistryException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
