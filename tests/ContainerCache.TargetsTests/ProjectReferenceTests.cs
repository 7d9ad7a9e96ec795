namespace ContainerCache.TargetsTests;

/// <summary>
/// CONTAINERCACHE2007: a library the app references, built without the package's path mapping,
/// records its folder in its DLL, which ships; the publish says so, naming the library.
/// </summary>
[TestClass]
public sealed class ProjectReferenceTests
{
    private const string Code = "CONTAINERCACHE2007";

    [TestMethod]
    public async Task ALibraryBuiltWithoutThePackage_IsWarnedAbout_OnceNamingItAndThePathItsDllRecords()
    {
        (TestProject app, TestProject library) = Create(libraryWithPackage: false);
        MSBuildResult result = await app.RunAsync("-restore", "-t:Publish", "-p:_IsPublishing=true");

        Assert.AreEqual(0, result.ExitCode, result.Log);
        string warning = result.DiagnosticsWithCode(Code).Single();
        StringAssert.StartsWith(warning, "warning ");
        StringAssert.Contains(warning, library.ProjectFile);
        StringAssert.Contains(warning, $"({library.Directory}/obj/", "The recorded PDB path, under the library's folder.");

        // Without building again: the references' DLLs are known to a publish with NoBuild too.
        MSBuildResult again = await app.RunAsync("-t:Publish", "-p:NoBuild=true", "-p:_IsPublishing=true");
        Assert.AreEqual(1, again.DiagnosticsWithCode(Code).Count(), again.Log);

        // Folder-independent builds given up: nothing to warn about.
        MSBuildResult off = await app.RunAsync("-t:Publish", "-p:NoBuild=true", "-p:_IsPublishing=true", "-p:ContainerCacheMapSourcePaths=false");
        Assert.AreEqual(0, off.ExitCode, off.Log);
        Assert.AreEqual(0, off.DiagnosticsWithCode(Code).Count(), off.Log);

        // Silenced as the page says.
        MSBuildResult silenced = await app.RunAsync("-t:Publish", "-p:NoBuild=true", "-p:_IsPublishing=true", "-p:NoWarn=" + Code);
        Assert.AreEqual(0, silenced.ExitCode, silenced.Log);
        Assert.AreEqual(0, silenced.DiagnosticsWithCode(Code).Count(), silenced.Log);
    }

    [TestMethod]
    [DataRow(true, "", DisplayName = "the library references the package")]
    [DataRow(false, "<PathMap>$(MSBuildProjectDirectory)=/_/</PathMap>", DisplayName = "the library maps its own folder")]
    public async Task ALibraryWithItsFolderMapped_IsNotWarnedAbout(bool libraryWithPackage, string libraryProperties)
    {
        (TestProject app, TestProject library) = Create(libraryWithPackage, libraryProperties);
        MSBuildResult result = await app.RunAsync("-restore", "-t:Publish", "-p:_IsPublishing=true", "-v:detailed");

        Assert.AreEqual(0, result.ExitCode, result.Log);
        Assert.AreEqual(0, result.DiagnosticsWithCode(Code).Count(), result.Log);
        StringAssert.Contains(result.Log, $"[input] ReferencedProjectDebugPath={library.Directory}/bin/Release/net10.0/Lib.dll: /_/obj/", "The library's DLL was read, and records a mapped path.");
        Assert.IsTrue(File.Exists(app.KeyFile), "The app was published and keyed.");
    }

    /// <summary>An app with the package referencing a library in a folder of its own (not under the app's).</summary>
    private static (TestProject App, TestProject Library) Create(bool libraryWithPackage, string libraryProperties = "")
    {
        TestProject library = TestProject.Create("Lib", "<OutputType>Library</OutputType>" + libraryProperties, withPackage: libraryWithPackage);
        library.WriteFile("Program.cs", "public static class Greeting { public static string Text => \"Hello\"; }\n");
        TestProject app = TestProject.Create("App", items: $"""<ProjectReference Include="{library.ProjectFile}" />""");
        app.WriteFile("Program.cs", "System.Console.WriteLine(Greeting.Text);\n");
        return (app, library);
    }
}
