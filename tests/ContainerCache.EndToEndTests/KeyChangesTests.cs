using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// Zero false hits: every change to what goes into the image gives a new key. Here what needs a
/// real build and restore, measured against a baseline app of its own (published first); the
/// container settings are keyed in the targets tests (KeySettingsTests), and changes to the files
/// a publish ships too (FileChangesTests: content bytes, a file added, removed, renamed, put into
/// the publish directory from outside or by a target, an uncommitted edit in a git working tree).
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
}
