using System.Diagnostics;
using ContainerCache.TestRegistry;

[assembly: DoNotParallelize]

namespace ContainerCache.EndToEndTests;

/// <summary>
/// Once per run: pack the package into a folder feed, give the run its own NuGet package folder,
/// start a registry on a free loopback port and push a two-platform base image to it.
/// </summary>
[TestClass]
public static class EndToEnd
{
    public const string PackageVersion = "0.1.0";

    public static string RepositoryRoot { get; } = FindRepositoryRoot();
    public static string WorkDirectory { get; private set; } = "";
    public static string Feed { get; private set; } = "";
    public static string Packages { get; private set; } = "";
    public static LocalRegistry Registry { get; private set; } = null!;
    public static RegistryReader Reader { get; private set; } = null!;
    public static string BaseImage => Registry.Host + "/base:1";

    [AssemblyInitialize]
    public static async Task InitializeAsync(TestContext context)
    {
        WorkDirectory = Directory.CreateTempSubdirectory("cc-e2e-").FullName;
        Feed = Path.Combine(WorkDirectory, "feed");
        Packages = Path.Combine(WorkDirectory, "packages");

        ProcessResult pack = await Dotnet.RunAsync(
            RepositoryRoot,
            ["pack", Path.Combine(RepositoryRoot, "src", "ContainerCache.Tasks"), "-c", "Release", "-o", Feed, "-nodeReuse:false"]);
        Assert.AreEqual(0, pack.ExitCode, "dotnet pack failed:\n" + pack.Output);

        Registry = await LocalRegistry.StartAsync(Path.Combine(WorkDirectory, "registry"));
        await TestRegistry.BaseImage.PushAsync(Registry.Host, "base", "1", TestRegistry.BaseImage.LinuxAmd64AndArm64);
        Reader = new RegistryReader(Registry.Host);
    }

    [AssemblyCleanup]
    public static void Cleanup()
    {
        Reader?.Dispose();
        Registry?.Dispose();
        if (Environment.GetEnvironmentVariable("CONTAINERCACHE_KEEP_TEST_FILES") != "1")
        {
            try
            {
                Directory.Delete(WorkDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ContainerCache.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ContainerCache.sln not found above " + AppContext.BaseDirectory);
    }
}

public sealed record ProcessResult(int ExitCode, string Output);

/// <summary>Runs the dotnet CLI the way a user does, isolated to this run's feed and package folder.</summary>
public static class Dotnet
{
    public static async Task<ProcessResult> RunAsync(string workingDirectory, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NUGET_PACKAGES"] = EndToEnd.Packages;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        var lines = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (lines) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (lines) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet " + string.Join(' ', arguments) + " did not finish in 10 minutes:\n" + output);
        }

        lock (lines)
        {
            return new ProcessResult(process.ExitCode, output.ToString());
        }
    }
}
