using ContainerCache.Tasks;

namespace ContainerCache.Tests;

[TestClass]
public sealed class BuildCommandLineTests
{
    [TestMethod]
    [DataRow("-t:PublishContainer")]
    [DataRow("/t:publishcontainer")]
    [DataRow("--target:Publish;PublishContainer")]
    [DataRow("-target:Build,PublishContainer")]
    [DataRow("-T:\"PublishContainer\"")]
    public void NamesTarget_FindsTheTargetInATargetSwitch(string argument) =>
        Assert.IsTrue(BuildCommandLine.NamesTarget(["/usr/share/dotnet/sdk/10.0.401/dotnet.dll", "publish", "app", "-c", "Release", argument], "PublishContainer"));

    [TestMethod]
    [DataRow("publish", "app", "-c", "Release")]
    [DataRow("publish", "-p:Target=PublishContainer")]
    [DataRow("publish", "-t:PublishContainers")]
    [DataRow("publish", "PublishContainer")]
    [DataRow("publish", "-tl:PublishContainer")]
    [DataRow("publish", "-t:")]
    public void NamesTarget_IsFalseWithoutIt(params string[] arguments) =>
        Assert.IsFalse(BuildCommandLine.NamesTarget(arguments, "PublishContainer"));
}
