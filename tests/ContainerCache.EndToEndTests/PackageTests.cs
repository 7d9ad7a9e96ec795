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
                "build/ContainerCache.props",
                "build/ContainerCache.targets",
                "tasks/net472/ContainerCache.Core.dll",
                "tasks/net472/ContainerCache.Tasks.dll",
                "tasks/net472/System.Buffers.dll",
                "tasks/net472/System.IO.Hashing.dll",
                "tasks/net472/System.Memory.dll",
                "tasks/net472/System.Numerics.Vectors.dll",
                "tasks/net472/System.Runtime.CompilerServices.Unsafe.dll",
                "tasks/net8.0/ContainerCache.Core.dll",
                "tasks/net8.0/ContainerCache.Tasks.deps.json",
                "tasks/net8.0/ContainerCache.Tasks.dll",
                "tasks/net8.0/System.IO.Hashing.dll",
            },
            files,
            "Actual: " + string.Join(", ", files));
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
