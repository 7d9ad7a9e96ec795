using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// Zero false hits: every change to what goes into the image gives a new key. Each case is its
/// own test, on a real publish, measured against a baseline app of its own (published first), so
/// that the cases run side by side.
/// </summary>
[TestClass]
public sealed class KeyChangesTests
{
    // The baseline has one of each repeatable setting, so that a change of value can be tested too.
    private const string BaselineItems = """
        <ContainerEnvironmentVariable Include="GREETING" Value="hello" />
        <ContainerPort Include="8080" Type="tcp" />
        <ContainerLabel Include="com.example.team" Value="blue" />
        <Content Include="content/**" CopyToPublishDirectory="PreserveNewest" />
        <PackageReference Include="Newtonsoft.Json" Version="13.0.1" />
        """;

    private TestApp _app = null!;
    private string _baseline = "";

    [TestInitialize]
    public async Task PublishBaselineAsync()
    {
        _app = TestApp.Create("Changes", items: BaselineItems);
        _app.WriteFile("content/data.txt", "data v1");
        await _app.PublishAsync();
        _baseline = _app.KeyFileKey();
    }

    // The container settings are keyed in the targets tests (KeySettingsTests), over one publish
    // directory; here, what needs a real build.
    public static IEnumerable<object[]> Settings() =>
    [
        ["dependency version", """<ItemGroup><PackageReference Update="Newtonsoft.Json" Version="13.0.3" /></ItemGroup>"""],
    ];

    [TestMethod]
    [DynamicData(nameof(Settings))]
    public async Task Setting_ChangesTheKey(string setting, string projectContent)
    {
        _app.Customize(projectContent);
        await _app.PublishAsync();
        Assert.AreNotEqual(_baseline, _app.KeyFileKey(), setting + " must change the key.");
    }

    [TestMethod]
    public async Task ContentFileBytes_ChangeTheKey()
    {
        _app.WriteFile("content/data.txt", "data v2");
        await _app.PublishAsync();
        Assert.AreNotEqual(_baseline, _app.KeyFileKey());
    }

    [TestMethod]
    public async Task EmptyFileAdded_ChangesTheKey()
    {
        _app.WriteFile("content/empty.txt", "");
        await _app.PublishAsync();
        Assert.AreNotEqual(_baseline, _app.KeyFileKey());
    }

    [TestMethod]
    public async Task FileRemoved_ChangesTheKey()
    {
        File.Delete(Path.Combine(_app.Directory, "content", "data.txt"));
        _app.DeletePublishDirectory();
        await _app.PublishAsync();
        Assert.AreNotEqual(_baseline, _app.KeyFileKey());
    }

    [TestMethod]
    public async Task FileRenamedWithTheSameBytes_ChangesTheKey()
    {
        File.Move(Path.Combine(_app.Directory, "content", "data.txt"), Path.Combine(_app.Directory, "content", "renamed.txt"));
        _app.DeletePublishDirectory();
        await _app.PublishAsync();
        Assert.AreNotEqual(_baseline, _app.KeyFileKey());
    }

    [TestMethod]
    public async Task FilePutIntoThePublishDirectoryFromOutsideTheBuild_ChangesTheKey()
    {
        File.WriteAllText(Path.Combine(_app.PublishDirectory(), "dropped-in.txt"), "the SDK layers this too");
        // Written before the build starts, by more than the 2 s tolerance: a file written during the build is the build's.
        await FileAge.WaitUntilOldAsync(DateTime.UtcNow);
        CommandResult result = await _app.PublishAsync();
        Assert.AreNotEqual(_baseline, _app.KeyFileKey());
        StringAssert.Contains(File.ReadAllText(Path.Combine(_app.PublishDirectory(), "container-cache.json")), "\"dropped-in.txt\"");
        StringAssert.Contains(result.Output, "warning CONTAINERCACHE2004: 1 file in the publish directory was not produced by this publish", result.Output);
        StringAssert.Contains(result.Output, "it was put there from outside): dropped-in.txt. It ships in the image", result.Output);
    }

    [TestMethod]
    public async Task FileWrittenIntoThePublishDirectoryByATargetHookedBeforeTheKey_ChangesTheKey()
    {
        // The documented way for a build step that adds files to the publish output.
        _app.Customize("""
            <Target Name="AddNotice" AfterTargets="Publish" BeforeTargets="ContainerCacheComputeKey">
              <WriteLinesToFile File="$(PublishDir)NOTICE.txt" Lines="notice v2" Overwrite="true" />
            </Target>
            """);
        CommandResult result = await _app.PublishAsync();
        Assert.IsFalse(result.Output.Contains("CONTAINERCACHE2004"), "A file this build wrote is not stale:\n" + result.Output);
        Assert.AreNotEqual(_baseline, _app.KeyFileKey());
        StringAssert.Contains(File.ReadAllText(Path.Combine(_app.PublishDirectory(), "container-cache.json")), "\"NOTICE.txt\"");
    }

    [TestMethod]
    public async Task UncommittedEditInAGitWorkingTree_ChangesTheKey()
    {
        await Git.InitAndCommitAsync(_app.Directory);
        try
        {
            _app.WriteFile("content/data.txt", "uncommitted edit");
            await _app.PublishAsync();
            Assert.AreNotEqual(_baseline, _app.KeyFileKey(), "The key comes from the files, never from git.");
        }
        finally
        {
            Directory.Delete(Path.Combine(_app.Directory, ".git"), recursive: true);
        }
    }
}
