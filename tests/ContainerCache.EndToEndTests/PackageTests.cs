using ContainerCache.TestRegistry;
using System.IO.Compression;
using System.Xml.Linq;

namespace ContainerCache.EndToEndTests;

/// <summary>The nupkg is the product: its exact file list and metadata are part of the contract.</summary>
[TestClass]
public sealed class PackageTests
{
    private static string PackagePath => Path.Combine(EndToEnd.Feed, $"ContainerCache.{EndToEnd.PackageVersion}.nupkg");

    [TestMethod]
    public void Package_HoldsTargetsAndTaskAssembliesOnly()
    {
        using ZipArchive package = ZipFile.OpenRead(PackagePath);
        string[] files = package.Entries
            .Select(e => e.FullName)
            .Where(n => !n.StartsWith("_rels/", StringComparison.Ordinal) && !n.StartsWith("package/", StringComparison.Ordinal) && n != "[Content_Types].xml")
            .Order(StringComparer.Ordinal)
            .ToArray();

        CollectionAssert.AreEqual(
            new[]
            {
                "ContainerCache.nuspec",
                "README.md",
                "build/ContainerCache.Sdk.targets",
                "build/ContainerCache.props",
                "build/ContainerCache.targets",
                "tasks/net472/ContainerCache.Core.dll",
                "tasks/net472/ContainerCache.Tasks.dll",
                "tasks/net472/System.Buffers.dll",
                "tasks/net472/System.IO.Hashing.dll",
                "tasks/net472/System.Memory.dll",
                "tasks/net472/System.Numerics.Vectors.dll",
                "tasks/net472/System.Runtime.CompilerServices.Unsafe.dll",
                "tasks/net8.0-linux-x64/ContainerCache.Core.dll",
                "tasks/net8.0-linux-x64/ContainerCache.Tasks.deps.json",
                "tasks/net8.0-linux-x64/ContainerCache.Tasks.dll",
                "tasks/net8.0-linux-x64/System.IO.Hashing.dll",
                "tasks/net8.0/ContainerCache.Core.dll",
                "tasks/net8.0/ContainerCache.Tasks.deps.json",
                "tasks/net8.0/ContainerCache.Tasks.dll",
                "tasks/net8.0/System.IO.Hashing.dll",
            },
            files,
            "Actual: " + string.Join(", ", files));
    }

    [TestMethod]
    public void LinuxX64_LoadsTheReadyToRunTasks_AndTheSwitchLoadsTheIl()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.Inconclusive("The ReadyToRun task assemblies are for Linux x64 only.");
        }

        using ZipArchive package = ZipFile.OpenRead(PackagePath);
        foreach (string name in new[] { "ContainerCache.Core.dll", "ContainerCache.Tasks.dll", "System.IO.Hashing.dll" })
        {
            // A ReadyToRun image carries a managed native header; IL-only assemblies do not.
            using var r2r = new System.Reflection.PortableExecutable.PEReader(Copy(package.GetEntry("tasks/net8.0-linux-x64/" + name)!));
            using var il = new System.Reflection.PortableExecutable.PEReader(Copy(package.GetEntry("tasks/net8.0/" + name)!));
            Assert.IsTrue(r2r.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, name + " in tasks/net8.0-linux-x64 is ReadyToRun");
            Assert.AreEqual(0, il.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size, name + " in tasks/net8.0 is IL only");
        }
    }

    [TestMethod]
    public async Task LinuxX64_PublishUsesTheReadyToRunTasks_UnlessTurnedOff()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.Inconclusive("The ReadyToRun task assemblies are for Linux x64 only.");
        }

        TestApp app = TestApp.Create("ReadyToRun");
        string key = "";
        foreach ((string folder, string[] arguments) in new[] { ("net8.0-linux-x64", new[] { "-v:d" }), ("net8.0", new[] { "-v:d", "-p:ContainerCacheReadyToRun=false" }) })
        {
            CommandResult result = await app.PublishAsync(arguments);
            StringAssert.Matches(
                result.Output,
                new System.Text.RegularExpressions.Regex($@"Using ""ComputeContainerCacheKey"" task from assembly "".*[/\\]tasks[/\\]{System.Text.RegularExpressions.Regex.Escape(folder)}[/\\]ContainerCache\.Tasks\.dll"""),
                "Loaded from tasks/" + folder);
            Assert.AreEqual(key.Length == 0 ? app.KeyFileKey() : key, app.KeyFileKey());
            key = app.KeyFileKey();
        }
    }

    private static MemoryStream Copy(ZipArchiveEntry entry)
    {
        var copy = new MemoryStream();
        using (Stream stream = entry.Open())
        {
            stream.CopyTo(copy);
        }

        copy.Position = 0;
        return copy;
    }

    [TestMethod]
    public void Package_IsADevelopmentDependencyWithNoDependencies()
    {
        using ZipArchive package = ZipFile.OpenRead(PackagePath);
        using Stream nuspec = package.GetEntry("ContainerCache.nuspec")!.Open();
        XElement metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        Assert.AreEqual("true", metadata.Elements().Single(e => e.Name.LocalName == "developmentDependency").Value);
        Assert.IsFalse(metadata.Elements().Any(e => e.Name.LocalName == "dependencies"), "Nothing flows to the app's consumers.");
    }
}
