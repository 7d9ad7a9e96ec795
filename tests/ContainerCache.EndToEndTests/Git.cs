using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>Just enough git to put a test app under source control.</summary>
public static class Git
{
    public static async Task RunAsync(string directory, params string[] arguments)
    {
        CommandResult result = await CommandLine.RunAsync(
            "git",
            ["-c", "user.name=ContainerCache tests", "-c", "user.email=tests@containercache.invalid", "-c", "init.defaultBranch=main", .. arguments],
            TimeSpan.FromMinutes(1),
            directory);
        Assert.AreEqual(0, result.ExitCode, $"git {string.Join(' ', arguments)} failed:\n{result.Output}");
    }

    public static async Task<string> HeadAsync(string directory)
    {
        CommandResult result = await CommandLine.RunAsync("git", ["rev-parse", "HEAD"], TimeSpan.FromMinutes(1), directory);
        Assert.AreEqual(0, result.ExitCode, result.Output);
        return result.StandardOutput.Trim();
    }

    public static async Task InitAndCommitAsync(string directory)
    {
        File.WriteAllText(Path.Combine(directory, ".gitignore"), "bin/\nobj/\n*.binlog\n");
        await RunAsync(directory, "init", "-q");
        await RunAsync(directory, "add", "-A");
        await RunAsync(directory, "commit", "-q", "-m", "initial");
    }

    /// <summary>A clone of the repository at <paramref name="source"/>, as a CI job checks it out.</summary>
    public static async Task CloneAsync(string source, string directory)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(directory)!);
        await RunAsync(Path.GetDirectoryName(directory)!, "clone", "-q", source, directory);
    }

    /// <summary>HEAD of the repository at <paramref name="source"/> without .git, as a tarball or a container build context holds it.</summary>
    public static async Task ArchiveAsync(string source, string directory)
    {
        string tar = Path.Combine(Path.GetTempPath(), "cc-archive-" + Guid.NewGuid().ToString("N") + ".tar");
        try
        {
            await RunAsync(source, "archive", "--format=tar", "-o", tar, "HEAD");
            Directory.CreateDirectory(directory);
            System.Formats.Tar.TarFile.ExtractToDirectory(tar, directory, overwriteFiles: false);
        }
        finally
        {
            File.Delete(tar);
        }
    }
}
