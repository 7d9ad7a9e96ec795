using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// Bad input in a real publish: one coded error naming the property or file, never MSBuild's
/// own failure of a task or condition (MSB4018, MSB4100, MSB3024/MSB3025) with a stack trace.
/// </summary>
[TestClass]
public sealed class BadInputTests
{
    [TestMethod]
    public async Task RegistryNamesWithABadPortOrASpace_FailWithACodedError()
    {
        TestApp app = TestApp.Create("BadRegistry");
        string registry = "-p:ContainerRegistry=" + EndToEnd.Registry.Host;

        AssertCodedError(await app.TryPublishAsync("-t:PublishContainer", "-p:ContainerRegistry=localhost:99999"), "CONTAINERCACHE1003", "ContainerRegistry 'localhost:99999'");
        AssertCodedError(await app.TryPublishAsync("-t:PublishContainer", registry, "-p:ContainerBaseImage=localhost:0/base:1"), "CONTAINERCACHE1003", "ContainerBaseImage's registry 'localhost:0'");
        AssertCodedError(await app.TryPublishAsync("-t:ContainerCacheVerify", "-p:ContainerCacheVerifyImage=localhost:65536/app:1"), "CONTAINERCACHE1003", "ContainerCacheVerifyImage");

        // The SDK checks ContainerRegistry for a space itself, before the package sees it.
        AssertCodedError(await app.TryPublishAsync("-t:PublishContainer", "-p:ContainerRegistry=local host:5000"), "CONTAINER2012", "local host:5000");
    }

    [TestMethod]
    public async Task ADirectoryInPlaceOfTheObjCopiesOfTheKeyFile_IsCONTAINERCACHE1005NamingIt_AndInPlaceOfTheHashCache_IsIgnored()
    {
        TestApp app = TestApp.Create("ObjDirectory");
        await app.PublishAsync();
        string obj = Path.Combine(app.Directory, "obj", "Release", "net10.0");

        foreach (string name in new[] { "container-cache.previous.json", "container-cache.last.json" })
        {
            string path = Path.Combine(obj, name);
            File.Delete(path);
            Directory.CreateDirectory(Path.Combine(path, "sub"));
            AssertCodedError(await app.TryPublishAsync(), "CONTAINERCACHE1005", path);
            Directory.Delete(path, recursive: true);
        }

        string hashes = Path.Combine(obj, "container-cache.hashes");
        File.Delete(hashes);
        Directory.CreateDirectory(hashes);
        CommandResult result = await app.PublishAsync("-v:d");
        StringAssert.Contains(result.Output, "was not used: it is not a regular file", "The package's own cache: every file is read instead.");
    }

    private static void AssertCodedError(CommandResult result, string code, string mention)
    {
        Assert.AreNotEqual(0, result.ExitCode, result.Output);
        StringAssert.Contains(result.Output, "error " + code, result.Output);
        StringAssert.Contains(result.Output, mention, result.Output);
        foreach (string unwanted in new[] { "MSB4018", "MSB4100", "MSB3024", "MSB3025", "CONTAINERCACHE1013", "   at " })
        {
            Assert.IsFalse(result.Output.Contains(unwanted), $"No {unwanted.Trim()}:\n{result.Output}");
        }
    }
}
