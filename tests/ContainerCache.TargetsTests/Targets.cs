using ContainerCache.TestRegistry;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

// Every case builds its own generated project in its own folder.
[assembly: Parallelize(Workers = 0, Scope = ExecutionScope.MethodLevel)]

namespace ContainerCache.TargetsTests;

/// <summary>Once per run: a work folder and a NuGet package folder of the run's own.</summary>
[TestClass]
public static class Targets
{
    /// <summary>
    /// The one private name of the package these tests use: the target that keys and stamps the
    /// image before the SDK builds it (BeforeTargets PublishContainer). Running it alone shows the
    /// stamping without a registry or a base image.
    /// </summary>
    public const string PrepareImageTarget = "_ContainerCachePrepareImage";

    public const string KeyLabel = "dev.containercache.key";

    public static string RepositoryRoot => Repository.Root;

    public static string TaskAssembly { get; } =
        typeof(Targets).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ContainerCacheTaskAssembly").Value!;

    public static string WorkDirectory { get; private set; } = "";

    public static string Packages { get; private set; } = "";

    [AssemblyInitialize]
    public static void Initialize(TestContext context)
    {
        Assert.IsTrue(File.Exists(TaskAssembly), $"The task assembly {TaskAssembly} is not built.");
        WorkDirectory = Directory.CreateTempSubdirectory("cc-targets-").FullName;
        Packages = Path.Combine(WorkDirectory, "packages");

        // The SDK's MSBuild, for the cases that run in this process (InProcessMSBuild): registered
        // before any MSBuild type is loaded, with the environment a `dotnet msbuild` of a case has.
        foreach ((string name, string value) in Environment)
        {
            System.Environment.SetEnvironmentVariable(name, value);
        }

        System.Globalization.CultureInfo.DefaultThreadCurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("en-US");
        Microsoft.Build.Locator.MSBuildLocator.RegisterDefaults();
    }

    /// <summary>The environment of every case, in this process or in a <c>dotnet msbuild</c>.</summary>
    public static IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["NUGET_PACKAGES"] = Packages,
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_UI_LANGUAGE"] = "en",
        // The tests may run in a CI: its files are not theirs to write (docs/ci/results.md).
        ["GITHUB_ACTIONS"] = "",
        ["GITLAB_CI"] = "",
        // The compiler server for the one build of the app (BuiltApp), as users have it (a CI
        // machine may turn it off): a warm server instead of a cold compiler.
        ["UseSharedCompilation"] = "",
    };

    /// <summary>
    /// A console app with content files (data.txt; content/data.txt, under content/**), restored and
    /// built once for the run, in this process: the cases that publish it (-p:NoBuild=true) publish
    /// a copy (<see cref="TestProject.CopyTo"/>) and never compile.
    /// </summary>
    public static Task<TestProject> BuiltApp => LazyBuiltApp.Value;

    private static readonly Lazy<Task<TestProject>> LazyBuiltApp = new(async () =>
    {
        TestProject built = TestProject.Create(
            "Built",
            items: """
                <Content Include="data.txt" CopyToPublishDirectory="PreserveNewest" />
                <Content Include="content/**" CopyToPublishDirectory="PreserveNewest" />
                """);
        built.WriteFile("data.txt", "one");
        built.WriteFile("content/data.txt", "data v1");
        await built.BuildAsync();
        return built;
    });

    [AssemblyCleanup]
    public static void Cleanup()
    {
        Repository.DeleteUnlessKept(WorkDirectory);
    }

}

/// <summary>
/// A console app in its own folder whose Directory.Build.props and .targets import the package's
/// build/ContainerCache.props and .targets from the repository, where NuGet would import them from
/// the package: the props before the project's body, the targets after it.
/// </summary>
public sealed class TestProject
{
    private int _runs;
    private string _properties = "";
    private string _items = "";

    private TestProject(string directory, string name)
    {
        Directory = directory;
        ProjectFile = Path.Combine(directory, name + ".csproj");
    }

    public string Directory { get; }

    public string ProjectFile { get; }

    /// <summary>bin/Release/net10.0/publish/, where a plain publish puts its files.</summary>
    public string PublishDirectory => Path.Combine(Directory, "bin", "Release", "net10.0", "publish");

    public string KeyFile => Path.Combine(PublishDirectory, "container-cache.json");

    /// <param name="properties">Put in the project's body, after ContainerCache.props ran: as a user sets them.</param>
    /// <param name="content">Property and item groups after those, as a project changes its settings.</param>
    /// <param name="withPackage">false: the same project without the package, to compare with the SDK's own values.</param>
    public static TestProject Create(string name, string properties = "", string items = "", string content = "", bool withPackage = true)
    {
        string directory = Path.Combine(Targets.WorkDirectory, name.ToLowerInvariant() + "-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        string build = Path.Combine(Targets.RepositoryRoot, "build");
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), withPackage
            ? $"""
              <Project>
                <PropertyGroup>
                  <ContainerCacheTaskAssembly>{Targets.TaskAssembly}</ContainerCacheTaskAssembly>
                </PropertyGroup>
                <Import Project="{Path.Combine(build, "ContainerCache.props")}" />
              </Project>
              """
            : "<Project />");
        File.WriteAllText(Path.Combine(directory, "Directory.Build.targets"), withPackage
            ? $"""<Project><Import Project="{Path.Combine(build, "ContainerCache.targets")}" /></Project>"""
            : "<Project />");
        var project = new TestProject(directory, name) { _properties = properties, _items = items };
        project.Customize(content);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), "System.Console.WriteLine(\"Hello\");\n");
        return project;
    }

    /// <summary>Writes the project again with other groups after its own properties and items.</summary>
    public void Customize(string content)
    {
        string name = Path.GetFileNameWithoutExtension(ProjectFile);
        File.WriteAllText(ProjectFile, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <!-- Never contacted: these tests key the base image by its name. -->
                <ContainerBaseImage>localhost:5000/base:1</ContainerBaseImage>
                <ContainerRepository>{name.ToLowerInvariant()}</ContainerRepository>
                {_properties}
              </PropertyGroup>
              <ItemGroup>
                {_items}
              </ItemGroup>
              {content}
            </Project>
            """);
    }

    /// <summary>Writes a file relative to the project's folder, creating folders as needed.</summary>
    public string WriteFile(string relativePath, string content)
    {
        string path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>
    /// Keys a publish directory of one file with <c>ContainerCacheComputeKey</c> alone (no build),
    /// the base image by its name, and returns the key.
    /// </summary>
    public async Task<string> ComputeKeyAsync() => (await ComputeKeyWithLogAsync()).Properties["ContainerCacheKey"];

    /// <summary>As <see cref="ComputeKeyAsync"/>, over what pub/ holds if it exists.</summary>
    public async Task<MSBuildResult> ComputeKeyWithLogAsync()
    {
        if (!System.IO.Directory.Exists(Path.Combine(Directory, "pub")))
        {
            WriteFile("pub/app.txt", "the app");
        }

        // A build would have made it: the key is also written there, the next publish's baseline.
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "obj", "Release", "net10.0"));
        MSBuildResult result = await RunAsync("-t:ContainerCacheComputeKey", "-p:PublishDir=pub/", "-getProperty:ContainerCacheKey");
        StringAssert.Matches(result.Properties["ContainerCacheKey"], new Regex("^[0-9a-f]{32}$"), result.Log);
        return result;
    }

    /// <summary>
    /// Restores and builds once, so that cases can run <c>-t:Publish -p:NoBuild=true</c> on copies
    /// (<see cref="CopyTo"/>) without compiling again.
    /// </summary>
    public async Task BuildAsync()
    {
        MSBuildResult result = await RunAsync("-restore", "-t:Build");
        Assert.AreEqual(0, result.ExitCode, result.Log);
    }

    /// <summary>Copies the project with its bin/ and obj/: a built project somewhere else.</summary>
    public TestProject CopyTo(string name)
    {
        string directory = Path.Combine(Targets.WorkDirectory, name.ToLowerInvariant() + "-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (string file in System.IO.Directory.EnumerateFiles(Directory, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(directory, Path.GetRelativePath(Directory, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return new TestProject(directory, Path.GetFileNameWithoutExtension(ProjectFile)) { _properties = _properties, _items = _items };
    }

    /// <summary>
    /// Runs the project as one <c>dotnet msbuild</c> with the given arguments would (targets,
    /// -getProperty, -getItem, -p); never a restore unless asked. Arguments that only ask for targets,
    /// properties, items, a verbosity and a restore run in this process (<see cref="InProcessMSBuild"/>),
    /// others in a real <c>dotnet msbuild</c>. Either way its log is kept beside the project,
    /// at the verbosity dotnet publish has by default (minimal: what a user sees) or the one asked
    /// with -v (in process), and at normal.
    /// </summary>
    public async Task<MSBuildResult> RunAsync(params string[] arguments)
    {
        InProcessMSBuild.Request? request = InProcessMSBuild.Parse(arguments);
        if (request is null)
        {
            return await RunOutOfProcessAsync(arguments);
        }

        string log = Path.Combine(Directory, $"msbuild{Interlocked.Increment(ref _runs)}.log");
        (int exitCode, string standardOutput) = await InProcessMSBuild.RunAsync(ProjectFile, request, log, Path.ChangeExtension(log, ".normal.log"));
        return new MSBuildResult(exitCode, standardOutput, File.Exists(log) ? File.ReadAllText(log) : "");
    }

    /// <summary>
    /// Publishes the project as <c>dotnet publish</c> would, without building it again (a copy of a
    /// built project, <see cref="CopyTo"/>): <c>-t:Publish -p:NoBuild=true -p:_IsPublishing=true</c>
    /// with <paramref name="arguments"/>, answering -getProperty:ContainerCacheKey too.
    /// </summary>
    public Task<MSBuildResult> PublishBuiltAsync(params string[] arguments) =>
        RunAsync(["-t:Publish", "-p:NoBuild=true", "-p:_IsPublishing=true", "-getProperty:ContainerCacheKey", .. arguments]);

    /// <summary>As <see cref="RunAsync"/>, always in a <c>dotnet msbuild</c> of its own.</summary>
    public async Task<MSBuildResult> RunOutOfProcessAsync(params string[] arguments)
    {
        string log = Path.Combine(Directory, $"msbuild{Interlocked.Increment(ref _runs)}.log");
        if (arguments.Any(a => a.StartsWith("-getProperty:", StringComparison.Ordinal) || a.StartsWith("-getItem:", StringComparison.Ordinal)))
        {
            // Two or more make MSBuild answer in JSON; one property alone is printed bare.
            arguments = [.. arguments, "-getProperty:MSBuildProjectName"];
        }

        CommandResult result = await CommandLine.RunAsync(
            "dotnet",
            ["msbuild", ProjectFile, "-nologo", "-nodeReuse:false", "-p:Configuration=Release", $"-flp:LogFile={log};Verbosity=minimal", $"-flp1:LogFile={Path.ChangeExtension(log, ".normal.log")};Verbosity=normal", .. arguments],
            TimeSpan.FromMinutes(5),
            Directory,
            Targets.Environment);
        return new MSBuildResult(result.ExitCode, result.StandardOutput, File.Exists(log) ? File.ReadAllText(log) : result.Output);
    }

    /// <summary>Evaluates the project (no target runs) and returns the properties' values.</summary>
    public async Task<IReadOnlyDictionary<string, string>> EvaluateAsync(params string[] propertiesAndArguments)
    {
        MSBuildResult result = await RunAsync([.. propertiesAndArguments.Select(p => p.StartsWith('-') ? p : "-getProperty:" + p)]);
        Assert.AreEqual(0, result.ExitCode, result.Log);
        return result.Properties;
    }
}

/// <summary>What one <c>dotnet msbuild</c> returned: its exit code, its -getProperty/-getItem answer, and its log.</summary>
public sealed partial class MSBuildResult(int exitCode, string standardOutput, string log)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The JSON that -getProperty/-getItem print (only when the build succeeds).</summary>
    public string StandardOutput { get; } = standardOutput;

    public string Log { get; } = log;

    public IReadOnlyDictionary<string, string> Properties =>
        Json().TryGetProperty("Properties", out JsonElement properties)
            ? properties.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "")
            : new Dictionary<string, string>();

    /// <summary>The items of a type, each as its identity and its metadata.</summary>
    public IReadOnlyList<(string Identity, IReadOnlyDictionary<string, string> Metadata)> Items(string type) =>
        Json().GetProperty("Items").GetProperty(type).EnumerateArray()
            .Select(item => (
                item.GetProperty("Identity").GetString()!,
                (IReadOnlyDictionary<string, string>)item.EnumerateObject().ToDictionary(m => m.Name, m => m.Value.GetString() ?? "")))
            .ToList();

    /// <summary>Every diagnostic the build logged, as "error CODE: text" or "warning CODE: text".</summary>
    public IReadOnlyList<string> Diagnostics =>
        Diagnostic().Matches(Log).Select(m => $"{m.Groups["kind"].Value} {m.Groups["code"].Value}: {m.Groups["text"].Value.Trim()}").Distinct().ToList();

    public IEnumerable<string> DiagnosticsWithCode(string code) => Diagnostics.Where(d => d.Contains(" " + code + ":", StringComparison.Ordinal));

    private JsonElement Json()
    {
        Assert.AreEqual(0, ExitCode, Log);
        return JsonDocument.Parse(StandardOutput).RootElement;
    }

    [GeneratedRegex(@"(?<kind>error|warning) (?<code>[A-Z]+[0-9]+): (?<text>.*?)(?: \[[^\]]*\])?$", RegexOptions.Multiline)]
    private static partial Regex Diagnostic();
}
