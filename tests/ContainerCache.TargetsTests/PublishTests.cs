namespace ContainerCache.TargetsTests;

/// <summary>
/// A plain publish (no build: each case publishes a copy of the app built once for the run,
/// <see cref="Targets.BuiltApp"/>, with -p:NoBuild=true): the switches' validation before it, and
/// the key file after it.
/// </summary>
[TestClass]
public sealed class PublishTests
{
    private static TestProject _built = null!;

    [ClassInitialize]
    public static async Task InitializeAsync(TestContext context) => _built = await Targets.BuiltApp;

    // Moved from the end-to-end BadInputTests, PublishContainerTests and RegistryCacheTests: bad
    // input fails a publish with one coded error naming the property, never MSBuild's own failure
    // of a task or condition (MSB4018, MSB4100, MSB3024/MSB3025) with a stack trace.
    [TestMethod]
    [DataRow("ContainerCacheEnabled=abc", "CONTAINERCACHE1003", "ContainerCacheEnabled is 'abc'", DisplayName = "Enabled=abc is not a way to turn the package off")]
    [DataRow("ContainerCacheReuse=a'b", "CONTAINERCACHE1003", "ContainerCacheReuse is 'a'b'", DisplayName = "a quote in a switch")]
    [DataRow("ContainerCacheGenerateTag=maybe", "CONTAINERCACHE1003", "ContainerCacheGenerateTag", DisplayName = "GenerateTag=maybe")]
    [DataRow("ContainerCacheMissTags=a'b", "CONTAINERCACHE1004", "ContainerCacheMissTags holds 'a'b'", DisplayName = "a quote in MissTags")]
    [DataRow("ContainerCacheMissTags=\"ok;bad tag\"", "CONTAINERCACHE1004", "ContainerCacheMissTags", DisplayName = "a space in one of MissTags")]
    [DataRow("ContainerCacheRegistryTimeout=NaN", "CONTAINERCACHE1003", "ContainerCacheRegistryTimeout is 'NaN'", DisplayName = "RegistryTimeout=NaN")]
    [DataRow("ContainerCacheReuse=1", "CONTAINERCACHE1003", "ContainerCacheReuse is '1'; it must be true or false.", DisplayName = "Reuse=1: a number is no boolean to MSBuild (the page says so)")]
    public async Task BadSwitch_FailsThePublishWithItsCode(string property, string code, string mention)
    {
        TestProject project = _built.CopyTo("Bad");
        MSBuildResult result = await project.RunAsync("-t:Publish", "-p:NoBuild=true", "-p:" + property);

        Assert.AreNotEqual(0, result.ExitCode, result.Log);
        Assert.IsTrue(result.DiagnosticsWithCode(code).Any(d => d.StartsWith("error ", StringComparison.Ordinal) && d.Contains(mention, StringComparison.Ordinal)), $"error {code} naming {mention}:\n{result.Log}");
        foreach (string unwanted in new[] { "MSB4018", "MSB4100", "MSB3024", "MSB3025", "CONTAINERCACHE1013", "   at " })
        {
            Assert.IsFalse(result.Log.Contains(unwanted, StringComparison.Ordinal), $"No {unwanted.Trim()}:\n{result.Log}");
        }

        Assert.IsFalse(File.Exists(project.KeyFile), "No key file beside an app that was not keyed.");
    }

    // Moved from the end-to-end BadInputTests: a registry name the SDK would take apart wrongly (a port
    // out of range) is the package's coded error, before any request; a space, the SDK's own.
    [TestMethod]
    [DataRow("-t:Publish;PublishContainer", "ContainerRegistry=localhost:99999", "CONTAINERCACHE1003", "ContainerRegistry 'localhost:99999'", DisplayName = "ContainerRegistry with a port out of range")]
    [DataRow("-t:Publish;PublishContainer", "ContainerBaseImage=localhost:0/base:1", "CONTAINERCACHE1003", "ContainerBaseImage's registry 'localhost:0'", DisplayName = "a base image's registry with port 0")]
    [DataRow("-t:Publish;ContainerCacheVerify", "ContainerCacheVerifyImage=localhost:65536/app:1", "CONTAINERCACHE1003", "ContainerCacheVerifyImage", DisplayName = "the image to verify at a port out of range")]
    [DataRow("-t:Publish;PublishContainer", "ContainerRegistry=local host:5000", "CONTAINER2012", "local host:5000", DisplayName = "a space in ContainerRegistry: the SDK's own error")]
    public async Task BadRegistryName_FailsWithACodedError_BeforeAnyRequest(string targets, string property, string code, string mention)
    {
        TestProject project = _built.CopyTo("BadRegistry");
        string[] registry = targets.Contains("PublishContainer", StringComparison.Ordinal) && !property.StartsWith("ContainerRegistry=", StringComparison.Ordinal) ? ["-p:ContainerRegistry=localhost:5000"] : [];
        MSBuildResult result = await project.RunAsync([targets, "-p:NoBuild=true", "-p:_IsPublishing=true", "-p:" + property, .. registry]);

        Assert.AreNotEqual(0, result.ExitCode, result.Log);
        Assert.IsTrue(result.DiagnosticsWithCode(code).Any(d => d.StartsWith("error ", StringComparison.Ordinal) && d.Contains(mention, StringComparison.Ordinal)), $"error {code} naming {mention}:\n{result.Log}");
        foreach (string unwanted in new[] { "MSB4018", "MSB4100", "MSB3024", "MSB3025", "CONTAINERCACHE1013", "   at " })
        {
            Assert.IsFalse(result.Log.Contains(unwanted, StringComparison.Ordinal), $"No {unwanted.Trim()}:\n{result.Log}");
        }
    }

    [TestMethod]
    [DataRow("true")]
    [DataRow("True", DisplayName = "True: MSBuild compares conditions without case")]
    [DataRow("yes", DisplayName = "yes: MSBuild reads yes as true, as for every boolean")]
    [DataRow("!off", DisplayName = "!off: and negates with '!' (CONTAINERCACHE1003's page says so)")]
    public async Task Publish_WritesTheKeyFile_WithTheKeyAndTag(string enabled)
    {
        TestProject project = _built.CopyTo("Keyed");
        MSBuildResult result = await project.RunAsync("-t:Publish", "-p:NoBuild=true", "-p:ContainerCacheEnabled=" + enabled, "-getProperty:ContainerCacheKey", "-getProperty:ContainerCacheImageTag");

        string key = result.Properties["ContainerCacheKey"];
        StringAssert.Matches(key, new System.Text.RegularExpressions.Regex("^[0-9a-f]{32}$"));
        Assert.AreEqual(key, result.Properties["ContainerCacheImageTag"], "No prefix: the tag is the key.");
        StringAssert.Contains(File.ReadAllText(project.KeyFile), $"\"key\": \"{key}\"");
        Assert.IsFalse(result.Diagnostics.Any(), string.Join("\n", result.Diagnostics));
    }

    [TestMethod]
    public async Task KeyFileElsewhere_TagPrefix()
    {
        TestProject project = _built.CopyTo("Elsewhere");
        MSBuildResult result = await project.RunAsync("-t:Publish", "-p:NoBuild=true", "-p:ContainerCacheKeyFile=keys/app.json", "-p:ContainerCacheTagPrefix=cache-", "-getProperty:ContainerCacheKey", "-getProperty:ContainerCacheImageTag");

        string key = result.Properties["ContainerCacheKey"];
        Assert.AreEqual("cache-" + key, result.Properties["ContainerCacheImageTag"]);
        StringAssert.Contains(File.ReadAllText(Path.Combine(project.Directory, "keys", "app.json")), key);
        Assert.IsFalse(File.Exists(project.KeyFile));
    }

    [TestMethod]
    public async Task Disabled_NoKey_NoKeyFile()
    {
        TestProject project = _built.CopyTo("Off");
        MSBuildResult result = await project.RunAsync("-t:Publish", "-p:NoBuild=true", "-p:ContainerCacheEnabled=false", "-getProperty:ContainerCacheKey");

        Assert.AreEqual("", result.Properties["ContainerCacheKey"]);
        Assert.IsTrue(File.Exists(Path.Combine(project.PublishDirectory, "Built.dll")), "Published...");
        Assert.IsFalse(File.Exists(project.KeyFile), "...not keyed.");
    }

    // Moved from the end-to-end BadInputTests and PublishDirectoryFaultTests.
    [TestMethod]
    public async Task ADirectoryInPlaceOfTheObjCopiesOfTheKeyFile_IsCONTAINERCACHE1005NamingIt_AndInPlaceOfTheHashCache_IsIgnored()
    {
        TestProject project = _built.CopyTo("ObjDirectory");
        MSBuildResult first = await project.PublishBuiltAsync();
        Assert.AreEqual(0, first.ExitCode, first.Log);
        string obj = Path.Combine(project.Directory, "obj", "Release", "net10.0");

        foreach (string name in new[] { "container-cache.previous.json", "container-cache.last.json" })
        {
            string path = Path.Combine(obj, name);
            File.Delete(path);
            Directory.CreateDirectory(Path.Combine(path, "sub"));
            MSBuildResult result = await project.PublishBuiltAsync();
            Assert.AreNotEqual(0, result.ExitCode, result.Log);
            Assert.IsTrue(result.DiagnosticsWithCode("CONTAINERCACHE1005").Any(d => d.StartsWith("error ", StringComparison.Ordinal) && d.Contains(path, StringComparison.Ordinal)), result.Log);
            Assert.IsFalse(result.Log.Contains("   at ", StringComparison.Ordinal), result.Log);
            Directory.Delete(path, recursive: true);
        }

        string hashes = Path.Combine(obj, "container-cache.hashes");
        File.Delete(hashes);
        Directory.CreateDirectory(hashes);
        MSBuildResult ignored = await project.PublishBuiltAsync("-v:d");
        Assert.AreEqual(0, ignored.ExitCode, ignored.Log);
        StringAssert.Contains(ignored.Log, "was not used: it is not a regular file", "The package's own cache: every file is read instead.");
    }

    [TestMethod]
    public async Task KeyFileAtTheAppsOwnDll_CodedError_DllUntouched()
    {
        TestProject project = _built.CopyTo("KeyFileDll");
        string dll = Path.Combine(project.PublishDirectory, "Built.dll");

        MSBuildResult result = await project.PublishBuiltAsync("-p:ContainerCacheKeyFile=" + dll);
        Assert.AreNotEqual(0, result.ExitCode, result.Log);
        Assert.IsTrue(result.DiagnosticsWithCode("CONTAINERCACHE1012").Any(d => d.Contains("ContainerCacheKeyFile '" + dll + "'", StringComparison.Ordinal)), result.Log);
        CollectionAssert.AreEqual(
            File.ReadAllBytes(Path.Combine(project.Directory, "obj", "Release", "net10.0", "Built.dll")),
            File.ReadAllBytes(dll),
            "The published DLL is the one the build produced.");
    }
}
