using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>The package on an SDK that lacks a private name it relies on (ContainerCache.Sdk.targets).</summary>
[TestClass]
public sealed class SdkContractTests
{
    [TestMethod]
    public async Task AnSdkWithoutANameThePackageReliesOn_IsCONTAINERCACHE2005_AndTheImageIsKeyedAndStamped_ButNeverReused()
    {
        // The SDK's own container targets, as a new SDK might have them: one target renamed.
        TestApp app = TestApp.Create("OtherSdk");
        CommandResult sdk = await Dotnet.RunAsync(app.Directory, ["msbuild", "-getProperty:MSBuildBinPath"]);
        string sdkTargets = Path.Combine(sdk.StandardOutput.Trim(), "Containers", "build", "Microsoft.NET.Build.Containers.targets");
        string changed = Path.Combine(app.Directory, "Microsoft.NET.Build.Containers.targets");
        string text = File.ReadAllText(sdkTargets);
        StringAssert.Contains(text, "Name=\"_ParseItemsForPublishingSingleContainer\"", "The name this test removes is in the SDK it runs on.");
        File.WriteAllText(changed, text.Replace("_ParseItemsForPublishingSingleContainer", "_ParseItemsForSomethingElse", StringComparison.Ordinal));
        string check = "-p:_ContainerCacheSdkContainersTargetsFile=" + changed;

        CommandResult first = await app.PublishContainerAsync(check);
        CommandResult second = await app.PublishContainerAsync(check);

        foreach (CommandResult result in new[] { first, second })
        {
            StringAssert.Contains(result.Output, "warning CONTAINERCACHE2005");
            StringAssert.Contains(result.Output, "_ParseItemsForPublishingSingleContainer");
            Assert.IsFalse(result.Output.Contains("ContainerCache: hit:"), "Nothing is reused:\n" + result.Output);
            StringAssert.Contains(result.Output, "Pushed image", "The SDK builds the image.");
        }

        string key = app.KeyFileKey();
        Assert.AreEqual(key, (await EndToEnd.Reader.GetLabelsAsync(app.Repository, "latest"))[EndToEnd.KeyLabel], "The key is stamped.");
        CollectionAssert.Contains((await EndToEnd.Reader.ListTagsAsync(app.Repository)).ToArray(), key);

        CommandResult unchanged = await app.PublishContainerAsync();
        Assert.IsFalse(unchanged.Output.Contains("CONTAINERCACHE2005"), "The SDK itself has every name:\n" + unchanged.Output);
        StringAssert.Contains(unchanged.Output, "ContainerCache: hit:", "On the SDK as it is, the image is reused.");
    }
}
