using System.Text.RegularExpressions;
using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// The requests of a hit, counted: an unchanged republish through a recording proxy (the app's
/// registry and its base image both behind it) makes exactly the requests a hit needs, the package's
/// and the SDK's together, so that a new request that is not needed fails here.
/// </summary>
[TestClass]
public sealed partial class HitRequestsTests
{
    [TestMethod]
    public async Task UnchangedRepublish_MakesOnlyTheRequestsAHitNeeds()
    {
        await using FaultProxy proxy = FaultProxy.Start(EndToEnd.Registry.Host);
        TestApp app = TestApp.Create("HitRequests", $"<ContainerBaseImage>{proxy.Host}/base:1</ContainerBaseImage>");
        string[] toProxy = ["-t:PublishContainer", "-p:ContainerRegistry=" + proxy.Host];
        await app.PublishAsync(toProxy);
        int requestsBefore = proxy.Requests.Count;
        int tlsBefore = proxy.TlsAttempts;
        Assert.IsTrue(tlsBefore > 0, "The first publish tried HTTPS first on localhost, as the SDK does.");

        CommandResult hit = await app.PublishAsync(toProxy);

        StringAssert.Contains(hit.Output, "ContainerCache: hit:");
        StringAssert.Contains(hit.Output, "latest names it already", "The tag that names the image already is not pushed again.");
        Assert.IsFalse(hit.Output.Contains("Pushed image", StringComparison.Ordinal), "The SDK pushes nothing on a hit.");
        string[] made = proxy.Requests.Skip(requestsBefore).Select(r => Kind(r, app.Repository)).ToArray();
        string[] needed =
        [
            "GET base manifest 1",                // the base image's digest, for the key
            "GET base manifest @digest",          // the base index's amd64 image, which the check compares with
            "GET base blob @digest",              // its config
            "GET app manifest key-tag",           // the image stored for the key
            "GET app blob @digest",               // its config: the label and the settings the check reads
            "HEAD app manifest latest",           // whether latest names it already (then no PUT)
        ];
        string list = string.Join("\n", made);
        CollectionAssert.AreEquivalent(needed, made, $"The requests of a hit, in the order made:\n{list}");
        Assert.AreEqual("GET base manifest 1", made[0], $"The key needs the base's digest before anything else is asked:\n{list}");
        Assert.AreEqual(0, proxy.TlsAttempts - tlsBefore, "No HTTPS attempt: the first publish found that this localhost registry answers in plain HTTP, and remembered it in obj/.");
        string remembered = Directory.GetFiles(Path.Combine(app.Directory, "obj"), "container-cache.plain-http", SearchOption.AllDirectories).Single();
        StringAssert.Contains(File.ReadAllText(remembered), "\n" + proxy.Host + "\n");

        // A plain publish, with the same registry settings, asks nothing: its key names the base image.
        int beforePlain = proxy.Requests.Count;
        await app.PublishAsync("-p:ContainerRegistry=" + proxy.Host);
        Assert.AreEqual(0, proxy.Requests.Count - beforePlain, "A plain publish makes no registry request:\n" + string.Join("\n", proxy.Requests.Skip(beforePlain).Select(r => r.Method + " " + r.PathAndQuery)));
    }

    /// <summary>A request as "METHOD repository kind reference", with the app's repository as "app" and its key tag as "key-tag".</summary>
    private static string Kind(HttpRequestSummary request, string repository)
    {
        Match match = RegistryPath().Match(request.PathAndQuery);
        if (!match.Success)
        {
            return $"{request.Method} {request.PathAndQuery}";
        }

        string name = match.Groups["name"].Value == repository ? "app" : match.Groups["name"].Value;
        string kind = match.Groups["kind"].Value == "manifests" ? "manifest" : "blob";
        string reference = match.Groups["reference"].Value;
        reference = reference.StartsWith("sha256:", StringComparison.Ordinal) ? "@digest"
            : name == "app" && reference != "latest" ? "key-tag"
            : reference;
        return $"{request.Method} {name} {kind} {reference}";
    }

    [GeneratedRegex("^/v2/(?<name>.+)/(?<kind>manifests|blobs)/(?<reference>[^/?]+)")]
    private static partial Regex RegistryPath();
}
