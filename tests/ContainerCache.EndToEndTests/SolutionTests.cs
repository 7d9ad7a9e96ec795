using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// One solution, two container apps sharing a library, published in one parallel command: each
/// image gets its own key, from its own publish output only.
/// </summary>
[TestClass]
public sealed class SolutionTests
{
    [TestMethod]
    public async Task EachImageHasItsOwnKey_ChangesReachExactlyTheImagesThatShipThem()
    {
        (string root, TestApp a, TestApp b) = await CreateSolutionAsync(libraryReferencesThePackage: false);

        CommandResult first = await PublishAsync(root);
        string a1 = a.KeyFileKey(), b1 = b.KeyFileKey();
        Assert.AreNotEqual(a1, b1);

        // The library does not reference the package: its DLL records its folder, and says so.
        StringAssert.Contains(first.Output, "warning CONTAINERCACHE2007: The project " + Path.Combine(root, "Lib", "Lib.csproj") + ", which this publish references", first.Output);
        Assert.AreEqual(a1, (await EndToEnd.Reader.GetLabelsAsync(a.Repository, "latest"))[EndToEnd.KeyLabel]);
        Assert.AreEqual(b1, (await EndToEnd.Reader.GetLabelsAsync(b.Repository, "latest"))[EndToEnd.KeyLabel]);

        a.EditProgram("System.Console.WriteLine(Greeting.Text + \" from A, edited\");");
        await PublishAsync(root);
        string a2 = a.KeyFileKey(), b2 = b.KeyFileKey();
        Assert.AreNotEqual(a1, a2, "Changing app A changes its key.");
        Assert.AreEqual(b1, b2, "Changing app A leaves app B's key alone.");

        File.WriteAllText(Path.Combine(root, "Lib", "Greeting.cs"), "public static class Greeting { public static string Text => \"hi\"; }");
        await PublishAsync(root);
        Assert.AreNotEqual(a2, a.KeyFileKey(), "The shared library ships in A.");
        Assert.AreNotEqual(b2, b.KeyFileKey(), "The shared library ships in B.");
        Assert.AreEqual(a.KeyFileKey(), (await EndToEnd.Reader.GetLabelsAsync(a.Repository, "latest"))[EndToEnd.KeyLabel]);
        Assert.AreEqual(b.KeyFileKey(), (await EndToEnd.Reader.GetLabelsAsync(b.Repository, "latest"))[EndToEnd.KeyLabel]);
    }

    [TestMethod]
    public async Task EveryProjectReferencingThePackage_CommitsThatChangeNoShippedInputKeepEveryKey()
    {
        (string root, TestApp a, TestApp b) = await CreateSolutionAsync(libraryReferencesThePackage: true);
        await Git.InitAndCommitAsync(root);
        await Git.RunAsync(root, "remote", "add", "origin", "https://github.com/example/apps.git");
        CommandResult first = await RunAsync(root, "publish", "Apps.sln", "-c", "Release", "-m", "-nodeReuse:false");
        string a1 = a.KeyFileKey(), b1 = b.KeyFileKey();
        Assert.IsFalse(first.Output.Contains("CONTAINERCACHE2007", StringComparison.Ordinal), "Every project maps its folder:\n" + first.Output);

        File.WriteAllText(Path.Combine(root, "README.md"), "# Apps\n");
        await Git.RunAsync(root, "add", "README.md");
        await Git.RunAsync(root, "commit", "-q", "-m", "Add a README");
        await RunAsync(root, "publish", "Apps.sln", "-c", "Release", "-m", "-nodeReuse:false");
        Assert.AreEqual(a1, a.KeyFileKey());
        Assert.AreEqual(b1, b.KeyFileKey());
    }

    /// <summary>Lib, and AppA and AppB that reference it, in Apps.sln.</summary>
    internal static async Task<(string Root, TestApp A, TestApp B)> CreateSolutionAsync(bool libraryReferencesThePackage)
    {
        string root = Path.Combine(EndToEnd.WorkDirectory, "apps", "solution-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(root, "Lib"));
        string package = libraryReferencesThePackage
            ? $"""<ItemGroup><PackageReference Include="ContainerCache" Version="{EndToEnd.PackageVersion}" /></ItemGroup>"""
            : "";
        File.WriteAllText(Path.Combine(root, "Lib", "Lib.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
              {package}
            </Project>
            """);
        File.WriteAllText(Path.Combine(root, "Lib", "Greeting.cs"), "public static class Greeting { public static string Text => \"hello\"; }");
        File.Copy(Path.Combine(EndToEnd.WorkDirectory, "nuget.config"), Path.Combine(root, "nuget.config"));
        const string libReference = """<ProjectReference Include="../Lib/Lib.csproj" />""";
        TestApp a = TestApp.Create("AppA", program: "System.Console.WriteLine(Greeting.Text + \" from A\");", items: libReference, parentDirectory: root);
        TestApp b = TestApp.Create("AppB", program: "System.Console.WriteLine(Greeting.Text + \" from B\");", items: libReference, parentDirectory: root);
        File.WriteAllText(Path.Combine(root, "Apps.sln"), Solution("Lib", "AppA", "AppB"));
        return (root, a, b);
    }

    /// <summary>
    /// A solution of the projects NAME/NAME.csproj, as <c>dotnet new sln</c> and <c>dotnet sln add</c>
    /// write it (two dotnet commands, 2-3 s of CPU, for a file of fixed text).
    /// </summary>
    private static string Solution(params string[] projects)
    {
        const string CSharp = "{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}";
        string Id(int i) => $"{{00000000-0000-0000-0000-{i + 1:D12}}}";
        var text = new System.Text.StringBuilder("\r\nMicrosoft Visual Studio Solution File, Format Version 12.00\r\n# Visual Studio Version 17\r\nVisualStudioVersion = 17.0.31903.59\r\nMinimumVisualStudioVersion = 10.0.40219.1\r\n");
        for (int i = 0; i < projects.Length; i++)
        {
            text.Append($"Project(\"{CSharp}\") = \"{projects[i]}\", \"{projects[i]}\\{projects[i]}.csproj\", \"{Id(i)}\"\r\nEndProject\r\n");
        }

        text.Append("Global\r\n\tGlobalSection(SolutionConfigurationPlatforms) = preSolution\r\n\t\tDebug|Any CPU = Debug|Any CPU\r\n\t\tRelease|Any CPU = Release|Any CPU\r\n\tEndGlobalSection\r\n\tGlobalSection(ProjectConfigurationPlatforms) = postSolution\r\n");
        for (int i = 0; i < projects.Length; i++)
        {
            foreach (string configuration in new[] { "Debug", "Release" })
            {
                text.Append($"\t\t{Id(i)}.{configuration}|Any CPU.ActiveCfg = {configuration}|Any CPU\r\n\t\t{Id(i)}.{configuration}|Any CPU.Build.0 = {configuration}|Any CPU\r\n");
            }
        }

        text.Append("\tEndGlobalSection\r\nEndGlobal\r\n");
        return text.ToString();
    }

    private static Task<CommandResult> PublishAsync(string root) =>
        RunAsync(root, "publish", "Apps.sln", "-c", "Release", "-m", "-nodeReuse:false", "-t:PublishContainer", "-p:ContainerRegistry=" + EndToEnd.Registry.Host);

    private static async Task<CommandResult> RunAsync(string directory, params string[] arguments)
    {
        CommandResult result = await Dotnet.RunAsync(directory, arguments);
        Assert.AreEqual(0, result.ExitCode, $"dotnet {string.Join(' ', arguments)} failed:\n{result.Output}");
        return result;
    }
}
