using ContainerCache.TestRegistry;

// Tests run in parallel, each test on its own: each publishes its own app, in its own folder, to
// its own repository (base images are pushed under tags of their own), and what AssemblyInitialize
// and a ClassInitialize set up is only read after it. Two workers on two cores: the run is bound by
// CPU, and a third worker made every publish cost more of it (a fresh clone's run: 7:58 and 756 CPU-s
// with three, 7:30 and 697 CPU-s with two). A test that publishes copies side by side uses both cores
// itself.
[assembly: Parallelize(Workers = 2, Scope = ExecutionScope.MethodLevel)]

namespace ContainerCache.EndToEndTests;

/// <summary>
/// Once per run: pack the package into a folder feed, give the run its own NuGet package folder,
/// start a registry on a free loopback port and push a two-platform base image to it.
/// </summary>
[TestClass]
public static class EndToEnd
{
    public const string PackageVersion = "0.1.0";

    /// <summary>The label the package stamps the key on (README, "Label and files").</summary>
    public const string KeyLabel = "dev.containercache.key";

    public static string RepositoryRoot => Repository.Root;
    public static string WorkDirectory { get; private set; } = "";
    public static string Feed { get; private set; } = "";
    public static string Packages { get; private set; } = "";
    public static LocalRegistry Registry { get; private set; } = null!;
    public static RegistryReader Reader { get; private set; } = null!;
    public static string BaseImage => Registry.Host + "/base:1";

    /// <summary>The digest of base:1, and base:2: another base image with other content.</summary>
    public static string BaseDigest { get; private set; } = "";
    public static string Base2Digest { get; private set; } = "";

    [AssemblyInitialize]
    public static async Task InitializeAsync(TestContext context)
    {
        WorkDirectory = Directory.CreateTempSubdirectory("cc-e2e-").FullName;
        Feed = Path.Combine(WorkDirectory, "feed");
        Packages = Path.Combine(WorkDirectory, "packages");

        // The pack and the registry with its base images are independent: side by side.
        Task<CommandResult> packing = PackAsync();
        Registry = await LocalRegistry.StartAsync(Path.Combine(WorkDirectory, "registry"));
        BaseDigest = await TestRegistry.BaseImage.PushAsync(Registry.Host, "base", "1", TestRegistry.BaseImage.LinuxAmd64AndArm64);
        Base2Digest = await TestRegistry.BaseImage.PushAsync(Registry.Host, "base", "2", TestRegistry.BaseImage.LinuxAmd64AndArm64, marker: "2");
        CommandResult pack = await packing;
        Assert.AreEqual(0, pack.ExitCode, "dotnet pack failed:\n" + pack.Output);

        File.WriteAllText(Path.Combine(WorkDirectory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="containercache-under-test" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);

        Reader = new RegistryReader(Registry.Host);
    }

    // Packed from outside the repository, into a relative output folder, as a user may run it: a
    // package path that depended on the current directory failed here (NU5129, issue 11). Not built
    // again: the tests' project reference built it, in their configuration.
    private static Task<CommandResult> PackAsync() =>
        Dotnet.RunAsync(
            WorkDirectory,
            ["pack", Path.Combine(RepositoryRoot, "src", "ContainerCache.Tasks"), "-c", Configuration, "--no-build", "-o", Path.GetRelativePath(WorkDirectory, Feed), "-nodeReuse:false"]);

    private static string Configuration { get; } =
        typeof(EndToEnd).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "ContainerCacheConfiguration").Value!;

    [AssemblyCleanup]
    public static void Cleanup()
    {
        Reader?.Dispose();
        Registry?.Dispose();
        Repository.DeleteUnlessKept(WorkDirectory);
    }

}

/// <summary>Runs the dotnet CLI the way a user does, isolated to this run's feed and package folder.</summary>
public static class Dotnet
{
    public static Task<CommandResult> RunAsync(string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        CommandLine.RunAsync("dotnet", arguments, TimeSpan.FromMinutes(10), workingDirectory, Environment(environment));

    /// <summary>The environment every dotnet command of the tests gets, with <paramref name="environment"/> added (a script that runs dotnet gets it too).</summary>
    public static Dictionary<string, string> Environment(IReadOnlyDictionary<string, string>? environment = null) =>
        new Dictionary<string, string>(WithoutCi(environment))
        {
            ["NUGET_PACKAGES"] = EndToEnd.Packages,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_UI_LANGUAGE"] = "en",
            // The compiler server, as users have it: a CI machine may turn it off
            // (UseSharedCompilation=false), and then every publish starts a cold compiler,
            // about 10 s of a 20 s publish of a console app. The package turns it off itself
            // where it must (Razor views and components).
            ["UseSharedCompilation"] = "",
            // The SDK treats localhost:PORT as plain HTTP by itself, 127.0.0.1:PORT only when told.
            ["DOTNET_CONTAINER_INSECURE_REGISTRIES"] = EndToEnd.Registry is null ? "" : "127.0.0.1:" + EndToEnd.Registry.Port,
        };

    /// <summary>
    /// The tests may run in a CI themselves: its variables would make every publish write to that
    /// CI's files (docs/ci/results.md). Only a test that sets them passes them on.
    /// </summary>
    private static Dictionary<string, string> WithoutCi(IReadOnlyDictionary<string, string>? environment)
    {
        var all = new Dictionary<string, string> { ["GITHUB_ACTIONS"] = "", ["GITLAB_CI"] = "" };
        foreach (KeyValuePair<string, string> variable in environment ?? new Dictionary<string, string>())
        {
            all[variable.Key] = variable.Value;
        }

        return all;
    }
}

/// <summary>
/// For the rules that tell files by their change time, which nothing can set into the past: a
/// file counts as written by a build when its change time is less than 2 s before the build
/// started, and the hash of a file written less than 2 s before it was hashed is not trusted.
/// </summary>
public static class FileAge
{
    /// <summary>Safely past both rules' 2 s, with room for coarse file system timestamps.</summary>
    public static readonly TimeSpan Old = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Waits until files written at <paramref name="writtenUtc"/> are <see cref="Old"/>: only the part of
    /// it that the test has not already spent on other work.
    /// </summary>
    public static Task WaitUntilOldAsync(DateTime writtenUtc)
    {
        TimeSpan left = writtenUtc + Old - DateTime.UtcNow;
        return left > TimeSpan.Zero ? Task.Delay(left) : Task.CompletedTask;
    }
}
