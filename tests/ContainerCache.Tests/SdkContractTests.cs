using ContainerCache.Sdk;

namespace ContainerCache.Tests;

/// <summary>The SDK names the package relies on, looked for in the SDK's container targets file.</summary>
[TestClass]
public sealed class SdkContractTests
{
    [TestMethod]
    public void ADefinitionNotInTheFile_IsMissing_OthersAreNot()
    {
        using var dir = new TempDirectory();
        dir.Write("Microsoft.NET.Build.Containers.targets", """<Project><Target Name="_PublishSingleContainer" /><PropertyGroup><_IsMultiRIDBuild>x</_IsMultiRIDBuild></PropertyGroup></Project>""");

        IReadOnlyList<int> missing = SdkContract.Missing(
            dir.Combine("Microsoft.NET.Build.Containers.targets"),
            ["Name=\"_PublishSingleContainer\"", "Name=\"_PublishMultiArchContainers\"", "<_IsMultiRIDBuild", "name=\"_publishsinglecontainer\"", ""]);

        CollectionAssert.AreEqual(new[] { 1, 3, 4 }, missing.ToArray(), "Found as written (ordinal); an empty definition never.");
    }

    [TestMethod]
    public void AFileThatCannotBeRead_MissesEveryName()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("a-folder"));

        CollectionAssert.AreEqual(new[] { 0, 1 }, SdkContract.Missing(dir.Combine("absent.targets"), ["a", "b"]).ToArray());
        CollectionAssert.AreEqual(new[] { 0 }, SdkContract.Missing(dir.Combine("a-folder"), ["a"]).ToArray());
        CollectionAssert.AreEqual(new[] { 0 }, SdkContract.Missing("", ["a"]).ToArray());
    }
}
