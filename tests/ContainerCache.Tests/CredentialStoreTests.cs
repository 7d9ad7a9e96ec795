using ContainerCache.Registry;

namespace ContainerCache.Tests;

[TestClass]
public sealed class CredentialStoreTests
{
    [TestMethod]
    public void Environment_PushAndPullVariables_LikeTheSdk()
    {
        var environment = RegistryClientTests.Environment(
            ("DOTNET_CONTAINER_REGISTRY_UNAME", "generic"), ("DOTNET_CONTAINER_REGISTRY_PWORD", "g"),
            ("DOTNET_CONTAINER_PULL_REGISTRY_UNAME", "puller"), ("DOTNET_CONTAINER_PULL_REGISTRY_PWORD", "p"));
        var store = new CredentialStore(environment);

        Assert.AreEqual("generic", store.Find("r.example", RegistryUse.Push)!.Username);
        Assert.AreEqual("puller", store.Find("r.example", RegistryUse.Pull)!.Username);
        Assert.AreEqual("puller", store.Find("r.example", RegistryUse.PullFromOutput)!.Username);
    }

    [TestMethod]
    public void DockerConfig_AuthsEntry_MatchedByHostEvenWithAUrl()
    {
        using var home = new TempDirectory();
        home.Write(".docker/config.json", """{"auths":{"https://r.example/v2/":{"auth":"dXNlcjpwYTpzcw=="}}}""");
        var store = new CredentialStore(RegistryClientTests.Environment(("HOME", home.Path)));

        RegistryCredentials credentials = store.Find("r.example", RegistryUse.Pull)!;
        Assert.AreEqual("user", credentials.Username);
        Assert.AreEqual("pa:ss", credentials.Password);
        Assert.IsFalse(credentials.ToString().Contains("pa:ss"));
        Assert.IsNull(store.Find("other.example", RegistryUse.Pull));
    }

    [TestMethod]
    public void RegistryAuthFile_IsTheOnlyFileWhenSet()
    {
        using var home = new TempDirectory();
        home.Write(".docker/config.json", """{"auths":{"r.example":{"auth":"ZG9ja2VyOng="}}}""");
        string authFile = home.Write("auth.json", """{"auths":{}}""");
        var store = new CredentialStore(RegistryClientTests.Environment(("HOME", home.Path), ("REGISTRY_AUTH_FILE", authFile)));

        Assert.IsNull(store.Find("r.example", RegistryUse.Pull));
    }

    [TestMethod]
    public void MalformedConfigFile_IsARegistryExceptionNamingIt()
    {
        using var home = new TempDirectory();
        string file = home.Write(".docker/config.json", "{ not json");
        var store = new CredentialStore(RegistryClientTests.Environment(("HOME", home.Path)));

        var e = Assert.ThrowsExactly<RegistryException>(() => store.Find("r.example", RegistryUse.Pull));
        StringAssert.Contains(e.Message, file);
    }

    [TestMethod]
    [DoNotParallelize]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void CredentialHelper_IsAskedWithTheRegistryOnStdin()
    {
        using var home = new TempDirectory();
        string bin = home.Combine("bin");
        Directory.CreateDirectory(bin);
        string helper = Path.Combine(bin, "docker-credential-fake");
        File.WriteAllText(helper, "#!/bin/sh\nread server\n[ \"$1\" = get ] && [ \"$server\" = r.example ] && echo '{\"ServerURL\":\"r.example\",\"Username\":\"helped\",\"Secret\":\"h\"}' || exit 1\n");
        File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        home.Write(".docker/config.json", """{"credHelpers":{"r.example":"fake"},"auths":{"r.example":{"auth":"ZG9ja2VyOng="}}}""");
        var store = new CredentialStore(RegistryClientTests.Environment(("HOME", home.Path)));

        string? path = System.Environment.GetEnvironmentVariable("PATH");
        System.Environment.SetEnvironmentVariable("PATH", bin + ":" + path);
        try
        {
            Assert.AreEqual("helped", store.Find("r.example", RegistryUse.Pull)!.Username);
        }
        finally
        {
            System.Environment.SetEnvironmentVariable("PATH", path);
        }
    }

    [TestMethod]
    public void MissingCredentialHelper_IsARegistryExceptionNamingIt()
    {
        using var home = new TempDirectory();
        home.Write(".docker/config.json", """{"credsStore":"nonexistent-helper"}""");
        var store = new CredentialStore(RegistryClientTests.Environment(("HOME", home.Path)));

        var e = Assert.ThrowsExactly<RegistryException>(() => store.Find("r.example", RegistryUse.Pull));
        StringAssert.Contains(e.Message, "docker-credential-nonexistent-helper");
    }
}
