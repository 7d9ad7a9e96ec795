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
        string root = Path.Combine(EndToEnd.WorkDirectory, "apps", "solution-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(root, "Lib"));
        File.WriteAllText(Path.Combine(root, "Lib", "Lib.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(root, "Lib", "Greeting.cs"), "public static class Greeting { public static string Text => \"hello\"; }");
        const string libReference = """<ProjectReference Include="../Lib/Lib.csproj" />""";
        TestApp a = TestApp.Create("AppA", program: "System.Console.WriteLine(Greeting.Text + \" from A\");", items: libReference, parentDirectory: root);
        TestApp b = TestApp.Create("AppB", program: "System.Console.WriteLine(Greeting.Text + \" from B\");", items: libReference, parentDirectory: root);
        await RunAsync(root, "new", "sln", "-n", "Apps", "--format", "sln");
        await RunAsync(root, "sln", "Apps.sln", "add", "Lib/Lib.csproj", "AppA/AppA.csproj", "AppB/AppB.csproj");

        await PublishAsync(root);
        string a1 = a.KeyFileKey(), b1 = b.KeyFileKey();
        Assert.AreNotEqual(a1, b1);
        Assert.AreEqual(a1, (await EndToEnd.Reader.GetLabelsAsync(a.Repository, "latest"))["dev.containercache.key"]);
        Assert.AreEqual(b1, (await EndToEnd.Reader.GetLabelsAsync(b.Repository, "latest"))["dev.containercache.key"]);

        a.EditProgram("System.Console.WriteLine(Greeting.Text + \" from A, edited\");");
        await PublishAsync(root);
        string a2 = a.KeyFileKey(), b2 = b.KeyFileKey();
        Assert.AreNotEqual(a1, a2, "Changing app A changes its key.");
        Assert.AreEqual(b1, b2, "Changing app A leaves app B's key alone.");

        File.WriteAllText(Path.Combine(root, "Lib", "Greeting.cs"), "public static class Greeting { public static string Text => \"hi\"; }");
        await PublishAsync(root);
        Assert.AreNotEqual(a2, a.KeyFileKey(), "The shared library ships in A.");
        Assert.AreNotEqual(b2, b.KeyFileKey(), "The shared library ships in B.");
        Assert.AreEqual(a.KeyFileKey(), (await EndToEnd.Reader.GetLabelsAsync(a.Repository, "latest"))["dev.containercache.key"]);
        Assert.AreEqual(b.KeyFileKey(), (await EndToEnd.Reader.GetLabelsAsync(b.Repository, "latest"))["dev.containercache.key"]);
    }

    private static Task PublishAsync(string root) =>
        RunAsync(root, "publish", "Apps.sln", "-c", "Release", "-m", "-nodeReuse:false", "-t:PublishContainer", "-p:ContainerRegistry=" + EndToEnd.Registry.Host);

    private static async Task RunAsync(string directory, params string[] arguments)
    {
        CommandResult result = await Dotnet.RunAsync(directory, arguments);
        Assert.AreEqual(0, result.ExitCode, $"dotnet {string.Join(' ', arguments)} failed:\n{result.Output}");
    }
}
