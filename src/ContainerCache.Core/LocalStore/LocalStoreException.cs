using System;

namespace ContainerCache.LocalStore;

/// <summary>A container engine's CLI could not be run, failed, or did not answer in time: the message says which and how.</summary>
internal sealed class LocalStoreException : Exception
{
    public LocalStoreException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
