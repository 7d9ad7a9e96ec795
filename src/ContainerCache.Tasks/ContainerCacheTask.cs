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

    protected abstract void ExecuteCore();

    /// <summary>Logs an input at low importance, like MinVer: <c>ContainerCache: [input] Name=value</c>.</summary>
    protected void LogInput(string name, string value) =>
        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "ContainerCache: [input] {0}={1}", name, value);
}
