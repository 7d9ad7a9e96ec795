namespace ContainerCache.EndToEndTests;

/// <summary>
/// Zero false misses: what does not change the image does not change the key. Each case is its
/// own test, on a real publish.
/// </summary>
[TestClass]
public sealed class KeyStaysTests
{
    [TestMethod]
    public async Task CleanRebuild_SameKey()
    {
        TestApp app = TestApp.Create("Clean");
        await app.PublishAsync();
        string key = app.KeyFileKey();

        app.DeleteBuildOutput();
        await app.PublishAsync();
        Assert.AreEqual(key, app.KeyFileKey());
    }

    [TestMethod]
    public async Task EveryFileTouched_SameKey()
    {
        TestApp app = TestApp.Create("Touch");
        await app.PublishAsync();
        string key = app.KeyFileKey();

        DateTime later = DateTime.UtcNow.AddMinutes(5);
        foreach (string file in Directory.EnumerateFiles(app.Directory, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, later);
        }

        await app.PublishAsync();
        Assert.AreEqual(key, app.KeyFileKey());
    }

    [TestMethod]
    public async Task OtherRegistryRepositoryAndTags_SameKey()
    {
        TestApp app = TestApp.Create("Names");
        await app.PublishContainerAsync();
        string key = app.KeyFileKey();

        await app.PublishAsync(
            "-t:PublishContainer",
            "-p:ContainerRegistry=" + EndToEnd.Registry.Host.Replace("localhost", "127.0.0.1", StringComparison.Ordinal),
            "-p:ContainerRepository=elsewhere/" + app.Repository,
            "-p:ContainerImageTags=\"1.0.0;stable\"");
        Assert.AreEqual(key, app.KeyFileKey());
        Assert.AreEqual(key, (await EndToEnd.Reader.GetLabelsAsync("elsewhere/" + app.Repository, "stable"))["dev.containercache.key"]);
    }
}
