using System.Diagnostics;
using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// A registry that fails while the package asks it for the image of a key: a warning, the normal
/// build, a correct image; never a false hit, never a hang. A fault-injecting proxy stands in
/// front of the real registry.
/// </summary>
[TestClass]
public sealed class RegistryFaultTests
{
    /// <summary>
    /// One app through the proxy: a fault of each family while the key's image is looked up (a status,
    /// garbage, a dropped connection, a timeout: each a whole publish; the other kinds, 401, 403, a
    /// stalled or trickled body, are RegistryClientTests.LookupFault_IsARegistryException_WithinTheBound_NeverAnAnswer,
    /// at the unit layer), then a fault while a hit points a new tag at the image, then a registry that
    /// is not running at all (on this app, which is built already, rather than a first publish of its own).
    /// </summary>
    [TestMethod]
    public async Task LookupFaults_WarnAndBuild_NeverAFalseHit_ATaggingFaultAfterAHitToo_AStoppedRegistry_WarnsThenTheSdksOwnError()
    {
        await using FaultProxy proxy = FaultProxy.Start(EndToEnd.Registry.Host);
        // The bound of the faults below: short, for the test's time, yet well above a first request's
        // time in a loaded run (2 s was not: a cold process's base resolution exceeded it, and keyed the
        // base by name). The two clean publishes get a long one.
        TestApp app = TestApp.Create("Faults", "<ContainerCacheRegistryTimeout>5</ContainerCacheRegistryTimeout>");
        string[] toProxy = ["-t:PublishContainer", "-p:ContainerRegistry=" + proxy.Host];
        await app.PublishAsync([.. toProxy, "-p:ContainerCacheRegistryTimeout=30"]);
        string key = app.KeyFileKey();
        CommandResult clean = await app.PublishAsync([.. toProxy, "-p:ContainerCacheRegistryTimeout=30"]);
        StringAssert.Contains(clean.Output, "ContainerCache: hit:", "Through the proxy, with no fault, an unchanged republish is a hit.");

        var faults = new (string Name, Fault Fault, string? Says)[]
        {
            ("500", Fault.Status(500), null),
            ("garbage", Fault.Garbage, null),
            ("dropped connection", Fault.Drop, null),
            ("slower than the timeout", Fault.Delay(TimeSpan.FromSeconds(30)), "did not answer within 5 s"),
        };
        foreach ((string name, Fault fault, string? says) in faults)
        {
            proxy.ClearFaults();
            proxy.FailWhen("GET", $"/v2/{app.Repository}/manifests/", fault);
            var stopwatch = Stopwatch.StartNew();
            CommandResult result = await app.PublishAsync(toProxy);
            stopwatch.Stop();

            StringAssert.Contains(result.Output, "warning CONTAINERCACHE2003", $"{name}: a coded warning.\n{result.Output}");
            StringAssert.Contains(result.Output, says ?? "", $"{name}: the warning says why.");
            Assert.IsFalse(result.Output.Contains("ContainerCache: hit"), $"{name}: never a hit.\n{result.Output}");
            StringAssert.Contains(result.Output, "Pushed image", $"{name}: the SDK builds and pushes as usual.");
            Assert.AreEqual(key, (await EndToEnd.Reader.GetLabelsAsync(app.Repository, "latest"))[EndToEnd.KeyLabel], $"{name}: the image is right.");
            Assert.IsTrue(stopwatch.Elapsed < TimeSpan.FromSeconds(90), $"{name}: bounded, took {stopwatch.Elapsed}.");
        }

        // A hit whose new tag cannot be pushed: a tag that does not name the image yet (latest does, and is not pushed again).
        proxy.ClearFaults();
        proxy.FailWhen("PUT", $"/v2/{app.Repository}/manifests/moved", Fault.Status(500), times: 1);
        CommandResult tagFault = await app.PublishAsync([.. toProxy, "-p:ContainerImageTags=moved"]);

        StringAssert.Contains(tagFault.Output, "warning CONTAINERCACHE2003");
        StringAssert.Contains(tagFault.Output, "could not be tagged");
        StringAssert.Contains(tagFault.Output, "Pushed image");

        // A registry that is not running: nothing listens on the port, so no answer from this app's earlier publishes can help.
        string stopped = "localhost:" + FreePort();
        CommandResult stoppedResult = await app.TryPublishAsync("-t:PublishContainer", "-p:ContainerRegistry=" + stopped);

        StringAssert.Contains(stoppedResult.Output, "warning CONTAINERCACHE2003");
        Assert.IsFalse(stoppedResult.Output.Contains("ContainerCache: hit"));
        Assert.AreNotEqual(0, stoppedResult.ExitCode, "Nothing can be pushed to a stopped registry.");
        Assert.IsFalse(stoppedResult.Output.Contains("   at ContainerCache"), "No stack trace of ours:\n" + stoppedResult.Output);
    }

    /// <summary>
    /// One app whose base image is reached through the proxy: the package's resolution of the base
    /// fails with a stalled body, then with a status, each a warning and a key of the base's name. Such
    /// a key never selects an image: the republish builds although the key's image is stored, Verify
    /// cannot check it, and a user who keys the base by name gives up reuse the same way (these were
    /// TrustTests' own app and five publishes; the faults here make the same name-only key and image).
    /// Then Verify meets a trickled body and fails. Each bounded.
    /// </summary>
    [TestMethod]
    public async Task BaseResolutionStallsOrFails_WarnsAndKeysTheName_SuchAKeyIsNeverReusedNorVerified_VerifyOfATrickle_Fails_AllBounded()
    {
        await using FaultProxy proxy = FaultProxy.Start(EndToEnd.Registry.Host);
        TestApp app = TestApp.Create(
            "BaseFaults",
            $"<ContainerBaseImage>{proxy.Host}/base:1</ContainerBaseImage><ContainerCacheRegistryTimeout>2</ContainerCacheRegistryTimeout>");

        // Reuse off: the base is still resolved. Only the package's request stalls; the SDK's pull of the base that follows goes through.
        proxy.FailWhen("GET", "/v2/base/manifests/1", Fault.StalledBody, times: 1);
        var stopwatch = Stopwatch.StartNew();
        CommandResult publish = await app.PublishContainerAsync("-p:ContainerCacheReuse=false");
        stopwatch.Stop();

        StringAssert.Contains(publish.Output, "warning CONTAINERCACHE2002", publish.Output);
        StringAssert.Contains(publish.Output, "did not answer within 2 s");
        Assert.IsTrue(stopwatch.Elapsed < TimeSpan.FromSeconds(90), $"Base resolution bounded, took {stopwatch.Elapsed}.");
        string nameOnlyKey = app.KeyFileKey();
        Assert.AreEqual(nameOnlyKey, (await EndToEnd.Reader.GetLabelsAsync(app.Repository, "latest"))[EndToEnd.KeyLabel]);
        Assert.AreEqual(nameOnlyKey, (await EndToEnd.Reader.GetLabelsAsync(app.Repository, nameOnlyKey))[EndToEnd.KeyLabel], "Built and stamped under the key's tag.");

        // A status instead, reuse on: the same warning, and the key file says the base's digest is unknown.
        // The key's image is stored, yet not even looked up: the stale-image setup of a brief registry fault.
        int lookups = EndToEnd.Registry.CountRequests("GET", $"/v2/{app.Repository}/manifests/{nameOnlyKey}");
        proxy.ClearFaults();
        proxy.FailWhen("GET", "/v2/base/manifests/1", Fault.Status(503), times: 1);
        CommandResult unresolved = await app.PublishContainerAsync();

        StringAssert.Contains(unresolved.Output, "warning CONTAINERCACHE2002");
        StringAssert.Contains(File.ReadAllText(Path.Combine(app.PublishDirectory(), "container-cache.json")), "\"digest\": null");
        Assert.AreEqual(nameOnlyKey, app.KeyFileKey(), "The same name-only key.");
        StringAssert.Contains(unresolved.Output, $"ContainerCache: not reused: the key {nameOnlyKey} covers the base image {proxy.Host}/base:1 by name only");
        Assert.IsFalse(unresolved.Output.Contains("ContainerCache: hit"), unresolved.Output);
        StringAssert.Contains(unresolved.Output, "Pushed image");
        Assert.AreEqual(lookups, EndToEnd.Registry.CountRequests("GET", $"/v2/{app.Repository}/manifests/{nameOnlyKey}"), "Not even looked up.");
        Assert.AreEqual(app.KeyFileKey(), (await EndToEnd.Reader.GetLabelsAsync(app.Repository, "latest"))[EndToEnd.KeyLabel]);

        // Verify with the base unresolved: no key that names the base's content, so no check can pass.
        proxy.ClearFaults();
        proxy.FailWhen("GET", "/v2/base/manifests/1", Fault.Status(500), times: 1);
        CommandResult nameOnlyVerify = await app.TryPublishAsync("-t:ContainerCacheVerify", $"-p:ContainerCacheVerifyImage={EndToEnd.Registry.Host}/{app.Repository}:latest");
        Assert.AreNotEqual(0, nameOnlyVerify.ExitCode, nameOnlyVerify.Output);
        StringAssert.Contains(nameOnlyVerify.Output, "error CONTAINERCACHE1009");
        Assert.IsFalse(nameOnlyVerify.Output.Contains("ContainerCache: verified"), nameOnlyVerify.Output);

        // The user's own choice to key the base by name gives up reuse the same way.
        proxy.ClearFaults();
        CommandResult byChoice = await app.PublishContainerAsync("-p:ContainerCacheResolveBaseImage=false");
        StringAssert.Contains(byChoice.Output, "ContainerCache: not reused:");
        StringAssert.Contains(byChoice.Output, "Pushed image");

        proxy.ClearFaults();
        string image = $"{proxy.Host}/{app.Repository}:latest";
        proxy.FailWhen("GET", $"/v2/{app.Repository}/manifests/latest", Fault.TrickledBody(TimeSpan.FromMilliseconds(500)));
        stopwatch.Restart();
        CommandResult verify = await app.TryPublishAsync("-t:ContainerCacheVerify", "-p:ContainerCacheVerifyImage=" + image);
        stopwatch.Stop();

        Assert.AreNotEqual(0, verify.ExitCode, "A check that cannot be made fails.");
        StringAssert.Contains(verify.Output, "error CONTAINERCACHE1007", verify.Output);
        StringAssert.Contains(verify.Output, "did not answer within 2 s");
        Assert.IsFalse(verify.Output.Contains("   at "), "No stack trace:\n" + verify.Output);
        Assert.IsTrue(stopwatch.Elapsed < TimeSpan.FromSeconds(90), $"Verify bounded, took {stopwatch.Elapsed}.");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
