using System;
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
            // Messages quote paths and the operating system's own messages, which quote them raw.
            Log.LogError(subcategory: null, e.Code, helpKeyword: null, file: null, 0, 0, 0, 0, Printable.Of(e.Message));
        }

        return !Log.HasLoggedErrors;
    }

    /// <summary>The bound, in seconds, on each request to a registry (ContainerCacheRegistryTimeout).</summary>
    public string RegistryTimeout { get; set; } = "";

    protected abstract void ExecuteCore();

    protected void LogWarning(string code, string message) =>
        Log.LogWarning(subcategory: null, code, helpKeyword: null, file: null, 0, 0, 0, 0, Printable.Of(message));

    protected RegistryClient CreateRegistryClient(string registry, RegistryUse use) =>
        new(registry, new RegistryClientOptions { Timeout = ParseTimeout(), Use = use });

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
        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "ContainerCache: [input] {0}={1}", name, Printable.Of(value));
}
