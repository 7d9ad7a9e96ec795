using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using ContainerCache.Diagnostics;
using ContainerCache.PublishOutput;
using ContainerCache.Tasks;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ContainerCache.Tests;

/// <summary>
/// The PDB path a DLL records in its debug directory, read from the PE headers alone (the task
/// assembly for .NET Framework has no System.Reflection.Metadata), and the warning it drives.
/// </summary>
[TestClass]
public sealed class CodeViewPathTests
{
    /// <summary>This test project's own DLL: built here, without a PathMap (the repository sets none).</summary>
    private static readonly string OwnDll = typeof(CodeViewPathTests).Assembly.Location;

    /// <summary>bin/Release/net10.0/ up three: this test project's folder.</summary>
    private static readonly string OwnProjectDirectory = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", ".."));

    [TestMethod]
    public void ADllBuiltHere_RecordsItsPdbUnderItsProjectFolder()
    {
        string? path = CodeViewPath.Read(OwnDll);

        Assert.IsNotNull(path);
        StringAssert.EndsWith(path, "ContainerCache.Tests.pdb");
        Assert.IsTrue(CodeViewPath.IsUnder(path, OwnProjectDirectory), $"{path} under {OwnProjectDirectory}");
        Assert.IsTrue(CodeViewPath.IsUnder(path, OwnProjectDirectory + Path.DirectorySeparatorChar), "A trailing separator changes nothing.");
        Assert.IsFalse(CodeViewPath.IsUnder(path, OwnProjectDirectory + "x"), "A sibling folder whose name starts alike is another folder.");
    }

    [TestMethod]
    public void TheRuntimesDlls_RecordMappedPaths_UnderNoRealFolder()
    {
        // Built by Microsoft with a PathMap: /_/src/..., a package's or the runtime's build, the same everywhere.
        string? path = CodeViewPath.Read(typeof(object).Assembly.Location);

        Assert.IsNotNull(path);
        StringAssert.StartsWith(path, "/_/");
        Assert.IsFalse(CodeViewPath.IsUnder(path, "/"), "The root is no project's folder.");
        Assert.IsFalse(CodeViewPath.IsUnder(path, OwnProjectDirectory));
    }

    [TestMethod]
    public void EveryDllOfTheRuntimeAndOfThisTest_ReadsAsSystemReflectionMetadataReadsIt()
    {
        string[] dlls = Directory.GetFiles(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "*.dll")
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "*.dll"))
            .ToArray();
        Assert.IsTrue(dlls.Length > 50, "Enough DLLs, PE32 and PE32+ (precompiled for this machine), to compare.");
        int withPath = 0;
        foreach (string dll in dlls)
        {
            string? expected = Expected(dll);
            Assert.AreEqual(expected, CodeViewPath.Read(dll), dll);
            withPath += expected is null ? 0 : 1;
        }

        Assert.IsTrue(withPath > 50, $"{withPath} of {dlls.Length} DLLs have a CodeView entry.");
    }

    [TestMethod]
    public void ADllCutAnywhere_GivesNoPathOrTheWholePath_AndNeverThrows()
    {
        byte[] bytes = File.ReadAllBytes(OwnDll);
        string whole = CodeViewPath.Read(OwnDll)!;
        var cuts = Enumerable.Range(0, 1024).Concat(Enumerable.Range(0, 200).Select(i => bytes.Length * i / 200)).Distinct();
        foreach (int cut in cuts)
        {
            string? path = CodeViewPath.Read(new MemoryStream(bytes, 0, cut));
            Assert.IsTrue(path is null || path == whole, $"cut at {cut}: {path}");
        }

        Assert.IsNull(CodeViewPath.Read(new MemoryStream(bytes, 0, 512)), "Only the headers: the debug directory is further on.");
    }

    [TestMethod]
    public void GarbageAndDamagedHeaders_GiveNoPathOrAString_AndNeverThrow()
    {
        byte[] original = File.ReadAllBytes(OwnDll);
        var random = new Random(2007);
        for (int i = 0; i < 3000; i++)
        {
            byte[] bytes = (byte[])original.Clone();
            // Damage a few bytes of the headers (the first 1 KiB) or anywhere, with values that make offsets and counts huge.
            for (int n = random.Next(1, 6); n > 0; n--)
            {
                int at = random.Next(2) == 0 ? random.Next(1024) : random.Next(bytes.Length);
                bytes[at] = random.Next(3) == 0 ? (byte)0xFF : (byte)random.Next(256);
            }

            _ = CodeViewPath.Read(new MemoryStream(bytes));
        }

        byte[] noise = new byte[4096];
        random.NextBytes(noise);
        Assert.IsNull(CodeViewPath.Read(new MemoryStream(noise)));
        noise[0] = (byte)'M';
        noise[1] = (byte)'Z';
        Assert.IsNull(CodeViewPath.Read(new MemoryStream(noise)));
        // e_lfanew far past the end.
        BitConverter.GetBytes(int.MaxValue).CopyTo(noise, 0x3C);
        Assert.IsNull(CodeViewPath.Read(new MemoryStream(noise)));
        Assert.IsNull(CodeViewPath.Read(new MemoryStream([])));
    }

    [TestMethod]
    public void AFileThatIsMissingOrADirectory_GivesNoPath()
    {
        using var dir = new TempDirectory();
        Assert.IsNull(CodeViewPath.Read(dir.Combine("missing.dll")));
        Assert.IsNull(CodeViewPath.Read(dir.Path));
        Assert.IsNull(CodeViewPath.Read(dir.Write("text.dll", "not a DLL")));
    }

    [TestMethod]
    [DataRow(@"C:\src\Lib\obj\Release\net10.0\Lib.pdb", @"C:\src\Lib", true, DisplayName = "Windows")]
    [DataRow(@"c:/SRC/lib/obj/Lib.pdb", @"C:\src\Lib\", true, DisplayName = "Windows, another case")]
    [DataRow("/src/Lib/obj/Lib.pdb", "/src/lib", false, DisplayName = "Linux: case matters")]
    [DataRow("/_/obj/Release/net10.0/Lib.pdb", "/src/Lib", false, DisplayName = "mapped")]
    [DataRow("Lib.pdb", "/src/Lib", false, DisplayName = "a bare file name")]
    [DataRow("/src/Lib/obj/Lib.pdb", "", false, DisplayName = "no folder")]
    public void IsUnder(string path, string directory, bool expected) =>
        Assert.AreEqual(expected, CodeViewPath.IsUnder(path, directory));

    [TestMethod]
    public void Task_WarnsOncePerReferencedProjectBuiltInItsFolder_NamingTheProjectAndThePath()
    {
        var engine = new RecordingBuildEngine();
        string project = Path.Combine(OwnProjectDirectory, "ContainerCache.Tests.csproj");
        var task = new FindUnmappedProjectReferences
        {
            BuildEngine = engine,
            Assemblies =
            [
                new TaskItem(OwnDll, new Dictionary<string, string> { ["MSBuildSourceProjectFile"] = project }),
                new TaskItem(OwnDll, new Dictionary<string, string> { ["MSBuildSourceProjectFile"] = project }),
                // Mapped, and a project elsewhere: no warning.
                new TaskItem(typeof(object).Assembly.Location, new Dictionary<string, string> { ["MSBuildSourceProjectFile"] = "/runtime/src/lib.csproj" }),
                new TaskItem(OwnDll, new Dictionary<string, string> { ["MSBuildSourceProjectFile"] = "/elsewhere/Other.csproj" }),
                new TaskItem(OwnDll, new Dictionary<string, string>()),
            ],
        };

        Assert.IsTrue(task.Execute(), engine.Describe());
        BuildWarningEventArgs warning = engine.Warnings.Single();
        Assert.AreEqual(DiagnosticCodes.UnmappedProjectReference, warning.Code);
        Assert.AreEqual(DiagnosticCodes.HelpLinkBase + "CONTAINERCACHE2007.md", warning.HelpLink);
        StringAssert.Contains(warning.Message, project);
        StringAssert.Contains(warning.Message, CodeViewPath.Read(OwnDll)!);
    }

    private static string? Expected(string dll)
    {
        using var reader = new PEReader(File.OpenRead(dll));
        if (!reader.HasMetadata && reader.PEHeaders.PEHeader is null)
        {
            return null;
        }

        DebugDirectoryEntry entry = reader.ReadDebugDirectory().FirstOrDefault(e => e.Type == DebugDirectoryEntryType.CodeView);
        return entry.Type == DebugDirectoryEntryType.CodeView ? reader.ReadCodeViewDebugDirectoryData(entry).Path : null;
    }
}
