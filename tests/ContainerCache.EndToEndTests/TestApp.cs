using ContainerCache.TestRegistry;
using System.Text.Json;

namespace ContainerCache.EndToEndTests;

/// <summary>A console app in its own folder that references the packed ContainerCache package.</summary>
public sealed class TestApp
{
    private readonly string _sourceRoot;
    private int _publishes;

    // What the last restore of this app was given (see RestoreInputs): a publish with the same
    // skips NuGet's no-op restore, about half of the CPU of a republish that compiles nothing.
    private string? _restored;

    /// <param name="sourceRoot">The folder that holds all of the app's sources, the project's or one above it.</param>
    private TestApp(string directory, string repository, string? sourceRoot = null)
    {
        Directory = directory;
        Repository = repository;
        _sourceRoot = sourceRoot ?? directory;
    }

    public string Directory { get; }

    /// <summary>The repository the app's image is pushed to: unique per app, so tests never share images.</summary>
    public string Repository { get; }

    public string ProgramFile => Path.Combine(Directory, "Program.cs");

    /// <param name="parentDirectory">Where to put the app's folder; by default a new folder of its own.</param>
    /// <param name="sdk">The project's SDK, such as Microsoft.NET.Sdk.BlazorWebAssembly.</param>
    public static TestApp Create(string name, string properties = "", string program = "System.Console.WriteLine(\"Hello\");", string items = "", string? parentDirectory = null, string sdk = "Microsoft.NET.Sdk")
    {
        string repository = name.ToLowerInvariant() + "-" + Guid.NewGuid().ToString("N")[..8];
        string directory = parentDirectory is null ? Path.Combine(EndToEnd.WorkDirectory, "apps", repository) : Path.Combine(parentDirectory, name);
        System.IO.Directory.CreateDirectory(directory);
        File.Copy(Path.Combine(EndToEnd.WorkDirectory, "nuget.config"), Path.Combine(directory, "nuget.config"));
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="{sdk}">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ContainerBaseImage>{EndToEnd.BaseImage}</ContainerBaseImage>
                <ContainerRepository>{repository}</ContainerRepository>
                {properties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ContainerCache" Version="{EndToEnd.PackageVersion}" />
                {items}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), program);
        return new TestApp(directory, repository);
    }

    /// <summary>
    /// A standalone Blazor WebAssembly app, as small as the SDK builds: one component, App.razor,
    /// whose edits change the names of the fingerprinted files in wwwroot/_framework.
    /// </summary>
    public static TestApp CreateBlazorWebAssembly(string name, string properties = "")
    {
        TestApp app = Create(
            name,
            BlazorTestSettings + properties,
            program: $$"""
                using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
                var builder = WebAssemblyHostBuilder.CreateDefault(args);
                builder.RootComponents.Add<{{name}}.App>("#app");
                await builder.Build().RunAsync();
                """,
            items: """<PackageReference Include="Microsoft.AspNetCore.Components.WebAssembly" Version="10.0.12" />""",
            sdk: "Microsoft.NET.Sdk.BlazorWebAssembly");
        app.WriteFile("App.razor", "<h1>Hello</h1>\n");
        app.WriteFile("wwwroot/index.html", """<!DOCTYPE html><html><body><div id="app"></div><script src="_framework/blazor.webassembly.js"></script></body></html>""");
        return app;
    }

    /// <summary>
    /// A Blazor Web App as <c>dotnet new blazor</c> makes it, with the given interactivity
    /// (WebAssembly or Auto: a server project, <c>NAME/NAME.csproj</c>, and the project of its
    /// WebAssembly components, <c>NAME.Client</c>). Both reference the package, from a
    /// Directory.Build.props above them; the app is the server project.
    /// </summary>
    public static async Task<TestApp> CreateBlazorWebAppAsync(string name, string interactivity)
    {
        string repository = name.ToLowerInvariant() + "-" + Guid.NewGuid().ToString("N")[..8];
        string root = Path.Combine(EndToEnd.WorkDirectory, "apps", repository);
        CommandResult created = await Dotnet.RunAsync(EndToEnd.WorkDirectory, ["new", "blazor", "--interactivity", interactivity, "-n", name, "-o", root, "--no-restore"]);
        Assert.AreEqual(0, created.ExitCode, "dotnet new blazor failed:\n" + created.Output);
        File.Copy(Path.Combine(EndToEnd.WorkDirectory, "nuget.config"), Path.Combine(root, "nuget.config"));
        File.WriteAllText(Path.Combine(root, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup>
                <ContainerBaseImage>{EndToEnd.BaseImage}</ContainerBaseImage>
                <ContainerRepository>{repository}</ContainerRepository>
                {BlazorTestSettings}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ContainerCache" Version="{EndToEnd.PackageVersion}" />
              </ItemGroup>
            </Project>
            """);
        return new TestApp(Path.Combine(root, name), repository, root);
    }

    /// <summary>
    /// Two settings of the Blazor test apps that keep what the tests test and drop most of a WebAssembly
    /// publish's CPU:
    /// <list type="bullet">
    /// <item>Brotli at its fastest level: at the smallest size it took about 26 s of CPU in a clean
    /// publish. The same files are compressed, into files of the same names, just larger. (An SDK
    /// private name, in test apps only: a new SDK that drops it compresses as before.)</item>
    /// <item>No trimming: ILLink took about 20 s of CPU in each publish that compiled. The app's own
    /// files are named by their content as before; the framework ships whole. That trimmed output
    /// keys the same in another folder is shown by
    /// <see cref="DeterministicBuildTests.TrimmedSingleFile_AnotherDirectory_SameKey"/>.</item>
    /// </list>
    /// </summary>
    private const string BlazorTestSettings = "<_BlazorBrotliCompressionLevel>Fastest</_BlazorBrotliCompressionLevel><PublishTrimmed>false</PublishTrimmed>";

    /// <summary><c>dotnet publish -t:PublishContainer</c> to the test registry.</summary>
    public Task<CommandResult> PublishContainerAsync(params string[] arguments) =>
        PublishAsync(["-t:PublishContainer", "-p:ContainerRegistry=" + EndToEnd.Registry.Host, .. arguments]);

    /// <summary><c>dotnet publish</c> with the given arguments; fails the test unless it succeeds.</summary>
    public Task<CommandResult> PublishAsync(params string[] arguments) => PublishWithEnvironmentAsync(null, arguments);

    public Task<CommandResult> TryPublishAsync(params string[] arguments) => TryPublishWithEnvironmentAsync(null, arguments);

    /// <summary><c>dotnet publish</c> with extra environment variables; fails the test unless it succeeds.</summary>
    public async Task<CommandResult> PublishWithEnvironmentAsync(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        CommandResult result = await TryPublishWithEnvironmentAsync(environment, arguments);
        Assert.AreEqual(0, result.ExitCode, $"dotnet publish {string.Join(' ', arguments)} failed (in {Directory}; CONTAINERCACHE_KEEP_TEST_FILES=1 keeps it, with a binlog of each publish):\n{result.Output}");
        return result;
    }

    /// <summary>
    /// <c>dotnet publish</c> with extra environment variables. A republish whose restore inputs
    /// (<see cref="RestoreInputs"/>) are those of the last restore runs with --no-restore: what the
    /// package does is the same, and restore itself is NuGet's, tested by each app's first publish.
    /// A test that names --no-restore or --restore itself gets exactly that.
    /// </summary>
    public async Task<CommandResult> TryPublishWithEnvironmentAsync(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        string inputs = RestoreInputs(environment, arguments);
        bool restoreNamed = arguments.Any(a => a is "--no-restore" or "--restore" or "-restore");
        bool skipRestore = !restoreNamed && inputs == _restored && File.Exists(Path.Combine(Directory, "obj", "project.assets.json"));
        CommandResult result = await Dotnet.RunAsync(
            Directory,
            ["publish", "-c", "Release", "-nodeReuse:false", .. BinaryLog(), .. skipRestore ? ["--no-restore"] : Array.Empty<string>(), .. arguments],
            environment);
        if (!skipRestore && !arguments.Contains("--no-restore"))
        {
            // A publish that failed after its restore (most failures the tests provoke) restored all the same.
            _restored = result.ExitCode == 0 || Restored(result.Output) ? inputs : null;
        }

        return result;
    }

    /// <summary>
    /// A binary log of each publish, for a run whose files are kept (CONTAINERCACHE_KEEP_TEST_FILES=1):
    /// otherwise the run deletes them unread, and writing one costs a sixth of a republish's CPU.
    /// </summary>
    private string[] BinaryLog() =>
        Environment.GetEnvironmentVariable("CONTAINERCACHE_KEEP_TEST_FILES") == "1"
            ? [$"-bl:{Path.Combine(Directory, $"publish{Interlocked.Increment(ref _publishes)}.binlog")}"]
            : [];

    /// <summary>NuGet's own line for a restore that succeeded, restoring or finding nothing to do, and no NuGet error.</summary>
    private static bool Restored(string output) =>
        (output.Contains("All projects are up-to-date for restore.", StringComparison.Ordinal) || output.Contains("Restored ", StringComparison.Ordinal))
        && !System.Text.RegularExpressions.Regex.IsMatch(output, @"error NU\d{4}");

    // Not the container's platforms (ContainerRuntimeIdentifier(s)): those may make the SDK restore
    // for runtime identifiers of their own.
    private static readonly string[] NotReadByRestore =
    [
        "-p:ContainerCache", "-p:ContainerRegistry=", "-p:ContainerRepository=", "-p:ContainerBaseImage=", "-p:ContainerImageTag", "-p:ContainerGenerateLabels=",
        "-p:ContainerArchiveOutputPath=", "-t:", "-v:", "-clp:", "-bl",
    ];

    /// <summary>
    /// What a restore of the app depends on: every project, props, targets, nuget.config and json file
    /// of its sources (not bin/ or obj/), the environment, and the arguments other than those that only
    /// the package, the container targets or the logs read.
    /// </summary>
    private string RestoreInputs(IReadOnlyDictionary<string, string>? environment, string[] arguments)
    {
        var inputs = new System.Text.StringBuilder();
        foreach (string file in System.IO.Directory.EnumerateFiles(_sourceRoot, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(_sourceRoot, file);
            string[] parts = relative.Split(Path.DirectorySeparatorChar);
            string extension = Path.GetExtension(file);
            if (parts[..^1].Any(p => p is "bin" or "obj") || extension is not (".csproj" or ".props" or ".targets" or ".config" or ".json" or ".sln" or ".slnx"))
            {
                continue;
            }

            inputs.Append(relative).Append('\0').Append(File.ReadAllText(file)).Append('\0');
        }

        foreach ((string name, string value) in (environment ?? new Dictionary<string, string>()).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            inputs.Append(name).Append('=').Append(value).Append('\0');
        }

        foreach (string argument in arguments.Where(a => !NotReadByRestore.Any(p => a.StartsWith(p, StringComparison.Ordinal))))
        {
            inputs.Append(argument).Append('\0');
        }

        return inputs.ToString();
    }

    public string PublishDirectory(string? runtimeIdentifier = null) =>
        runtimeIdentifier is null
            ? Path.Combine(Directory, "bin", "Release", "net10.0", "publish")
            : Path.Combine(Directory, "bin", "Release", "net10.0", runtimeIdentifier, "publish");

    /// <summary>The <c>key</c> field of the key file.</summary>
    public string KeyFileKey(string? runtimeIdentifier = null)
    {
        using JsonDocument keyFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(PublishDirectory(runtimeIdentifier), "container-cache.json")));
        return keyFile.RootElement.GetProperty("key").GetString()!;
    }

    public void EditProgram(string program) => File.WriteAllText(ProgramFile, program);

    /// <summary>Writes a file relative to the app's folder, creating folders as needed.</summary>
    public void WriteFile(string relativePath, string content)
    {
        string path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>
    /// Adds MSBuild properties and items after the project's own (a Directory.Build.targets beside
    /// it), or takes them away again with null.
    /// </summary>
    public void Customize(string? projectContent)
    {
        string path = Path.Combine(Directory, "Directory.Build.targets");
        if (projectContent is null)
        {
            File.Delete(path);
        }
        else
        {
            File.WriteAllText(path, $"<Project>{projectContent}</Project>");
        }
    }

    /// <summary>
    /// Copies the app's sources (not bin/ or obj/) to another folder: the same app, somewhere else.
    /// An app of several projects is copied whole, from the folder that holds them.
    /// </summary>
    public TestApp CopyTo(string directory)
    {
        foreach (string file in System.IO.Directory.EnumerateFiles(_sourceRoot, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(_sourceRoot, file);
            string[] parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts[..^1].Any(p => p is "bin" or "obj") || relative.EndsWith(".binlog", StringComparison.Ordinal))
            {
                continue;
            }

            string target = Path.Combine(directory, relative);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return new TestApp(Path.Combine(directory, Path.GetRelativePath(_sourceRoot, Directory)), Repository, directory);
    }

    /// <summary>The same app in another folder, whose files something else put there (a git clone, an archive).</summary>
    public TestApp At(string directory) => new TestApp(directory, Repository);

    /// <summary>Deletes bin/ and obj/: the next publish is a clean build.</summary>
    public void DeleteBuildOutput()
    {
        System.IO.Directory.Delete(Path.Combine(Directory, "bin"), recursive: true);
        System.IO.Directory.Delete(Path.Combine(Directory, "obj"), recursive: true);
    }

    /// <summary>Deletes the publish directory: publishing never removes files from it by itself.</summary>
    public void DeletePublishDirectory() => System.IO.Directory.Delete(PublishDirectory(), recursive: true);
}
