namespace ContainerCache.TargetsTests;

/// <summary>
/// Zero false hits, for the container settings: each change of a setting that shapes the image
/// gives a new key, over the same publish directory. Moved from the end-to-end KeyChangesTests,
/// which keeps the changes that need a real build (files, dependencies, git).
/// </summary>
[TestClass]
public sealed class KeySettingsTests
{
    // One of each repeatable setting, so that a change of value can be tested too.
    private const string BaselineItems = """
        <ContainerEnvironmentVariable Include="GREETING" Value="hello" />
        <ContainerPort Include="8080" Type="tcp" />
        <ContainerLabel Include="com.example.team" Value="blue" />
        """;

    private static readonly string Digest1 = "sha256:" + new string('1', 64);
    private static readonly string Digest2 = "sha256:" + new string('2', 64);

    private static string _baseline = "";

    [ClassInitialize]
    public static async Task InitializeAsync(TestContext context)
    {
        string[] keys = await Task.WhenAll(
            TestProject.Create("Baseline", items: BaselineItems).ComputeKeyAsync(),
            TestProject.Create("Baseline", items: BaselineItems).ComputeKeyAsync());
        Assert.AreEqual(keys[0], keys[1], "The same settings in another folder: the same key, so that a case's new key is its setting's doing.");
        _baseline = keys[0];
    }

    public static IEnumerable<object[]> Settings() =>
    [
        ["base image tag", "<PropertyGroup><ContainerBaseImage>localhost:5000/base:2</ContainerBaseImage></PropertyGroup>"],
        ["base image digest given", $"<PropertyGroup><ContainerBaseImage>localhost:5000/base:1@{Digest1}</ContainerBaseImage></PropertyGroup>"],
        ["base image by another digest", $"<PropertyGroup><ContainerBaseImage>localhost:5000/base@{Digest2}</ContainerBaseImage></PropertyGroup>"],
        ["entrypoint", """<ItemGroup><ContainerEntrypoint Include="/bin/sh" /></ItemGroup>"""],
        ["entrypoint args", """<ItemGroup><ContainerEntrypointArgs Include="-c" /></ItemGroup>"""],
        ["app command", """<ItemGroup><ContainerAppCommand Include="dotnet;Other.dll" /></ItemGroup>"""],
        ["app command args", """<ItemGroup><ContainerAppCommandArgs Include="--flag" /></ItemGroup>"""],
        ["app command instruction", """<PropertyGroup><ContainerAppCommandInstruction>Entrypoint</ContainerAppCommandInstruction></PropertyGroup>"""],
        ["default args", """<ItemGroup><ContainerDefaultArgs Include="--verbose" /></ItemGroup>"""],
        ["working directory", """<PropertyGroup><ContainerWorkingDirectory>/srv/</ContainerWorkingDirectory></PropertyGroup>"""],
        ["user", """<PropertyGroup><ContainerUser>1000</ContainerUser></PropertyGroup>"""],
        ["environment variable value", """<ItemGroup><ContainerEnvironmentVariable Update="GREETING" Value="bye" /></ItemGroup>"""],
        ["environment variable added", """<ItemGroup><ContainerEnvironmentVariable Include="EXTRA" Value="1" /></ItemGroup>"""],
        ["environment variable removed", """<ItemGroup><ContainerEnvironmentVariable Remove="GREETING" /></ItemGroup>"""],
        ["port number", """<ItemGroup><ContainerPort Remove="8080" /><ContainerPort Include="8081" Type="tcp" /></ItemGroup>"""],
        ["port protocol", """<ItemGroup><ContainerPort Update="8080" Type="udp" /></ItemGroup>"""],
        ["port added", """<ItemGroup><ContainerPort Include="9090" /></ItemGroup>"""],
        ["label value", """<ItemGroup><ContainerLabel Update="com.example.team" Value="green" /></ItemGroup>"""],
        ["label added", """<ItemGroup><ContainerLabel Include="com.example.tier" Value="web" /></ItemGroup>"""],
        ["platform", """<PropertyGroup><ContainerRuntimeIdentifier>linux-arm64</ContainerRuntimeIdentifier></PropertyGroup>"""],
        ["image format", """<PropertyGroup><ContainerImageFormat>OCI</ContainerImageFormat></PropertyGroup>"""],
    ];

    [TestMethod]
    [DynamicData(nameof(Settings))]
    public async Task Setting_ChangesTheKey(string setting, string projectContent)
    {
        string key = await TestProject.Create("Changed", items: BaselineItems, content: projectContent).ComputeKeyAsync();
        Assert.AreNotEqual(_baseline, key, setting + " must change the key.");
    }
}
