using System;
using System.IO;

namespace ContainerCache.TestRegistry;

/// <summary>
/// The repository the tests run from, and the folders a test run leaves behind. Shared by every test
/// project (ContainerCache.Tests compiles this file in, as it references no test support).
/// </summary>
public static class Repository
{
    /// <summary>The folder that holds ContainerCache.sln, found above the running test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Deletes a run's work folder, unless CONTAINERCACHE_KEEP_TEST_FILES=1 asks to keep it for a look.</summary>
    public static void DeleteUnlessKept(string directory)
    {
        if (directory.Length == 0 || Environment.GetEnvironmentVariable("CONTAINERCACHE_KEEP_TEST_FILES") == "1")
        {
            return;
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ContainerCache.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ContainerCache.sln not found above " + AppContext.BaseDirectory);
    }
}
