using System.Net;
using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// Registries that require credentials, as users meet them: basic authentication (htpasswd) and a
/// bearer token service. The package finds the credentials where the SDK does, reuses images
/// behind them, and never writes them anywhere.
/// </summary>
[TestClass]
public sealed class RegistryAuthTests
{
    private const string User = "ci-bot";
    private const string Password = "Pa55-w0rd-for-the-test";

    private static LocalRegistry _basic = null!;
    private static LocalRegistry _token = null!;
    private static TokenServer _tokenServer = null!;
    private static string _work = "";

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        _work = Path.Combine(EndToEnd.WorkDirectory, "auth");
        Directory.CreateDirectory(_work);
        string htpasswd = Path.Combine(_work, "htpasswd");
        CommandResult hashed = await CommandLine.RunAsync("htpasswd", ["-Bbc", htpasswd, User, Password], TimeSpan.FromSeconds(30), _work);
        Assert.AreEqual(0, hashed.ExitCode, hashed.Output);

        _basic = await LocalRegistry.StartAsync(Path.Combine(_work, "basic"), htpasswdFile: htpasswd);
        _tokenServer = TokenServer.Start(Path.Combine(_work, "token-service"), User, Password);
        _token = await LocalRegistry.StartAsync(Path.Combine(_work, "token"), tokenAuth: _tokenServer.Options);

        var credentials = new NetworkCredential(User, Password);
        await BaseImage.PushAsync(_basic.Host, "base", "1", BaseImage.LinuxAmd64AndArm64, credentials: credentials);
        await BaseImage.PushAsync(_token.Host, "base", "1", BaseImage.LinuxAmd64AndArm64, credentials: credentials);
    }

    [ClassCleanup]
    public static void Stop()
    {
        _basic?.Dispose();
        _token?.Dispose();
        _tokenServer?.Dispose();
    }

    /// <summary>
    /// One app behind basic authentication, its credentials found each way the SDK finds them, then
    /// none: each a publish of the same built app with another environment (three tests took five publishes).
    /// Then the same app behind the bearer token service, its base and registry there (global properties,
    /// so nothing is compiled again; a test of its own took a first publish for it).
    /// </summary>
    [TestMethod]
    public async Task BasicAuth_CredentialsFromTheSdksVariablesOrTheDockerConfig_Reuse_NoSecretWritten_WithoutAny_WarnsNeverAHit_BearerTokens_Reuse()
    {
        TestApp app = TestApp.Create("Basic", $"<ContainerBaseImage>{_basic.Host}/base:1</ContainerBaseImage>");
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_CONTAINER_REGISTRY_UNAME"] = User,
            ["DOTNET_CONTAINER_REGISTRY_PWORD"] = Password,
        };

        // The SDK's variables.
        CommandResult first = await Publish(app, _basic, environment);
        StringAssert.Contains(first.Output, "ContainerCache: miss:");
        int uploads = _basic.CountRequests("PUT", $"/v2/{app.Repository}/blobs/uploads/");

        CommandResult second = await Publish(app, _basic, environment, "-v:d");
        StringAssert.Contains(second.Output, "ContainerCache: hit:");
        Assert.AreEqual(uploads, _basic.CountRequests("PUT", $"/v2/{app.Repository}/blobs/uploads/"), "No blob uploaded.");
        Assert.IsFalse(first.Output.Contains("CONTAINERCACHE2"), "No warning:\n" + first.Output);

        // A Docker config instead: a hit needs the base's digest, which needs the credentials.
        string dockerConfig = Path.Combine(_work, "docker-config-" + app.Repository);
        Directory.CreateDirectory(dockerConfig);
        string auth = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(User + ":" + Password));
        File.WriteAllText(Path.Combine(dockerConfig, "config.json"), $$"""{ "auths": { "{{_basic.Host}}": { "auth": "{{auth}}" } } }""");
        CommandResult fromDockerConfig = await Publish(app, _basic, new Dictionary<string, string> { ["DOCKER_CONFIG"] = dockerConfig });
        StringAssert.Contains(fromDockerConfig.Output, "ContainerCache: hit:");

        AssertSecretNowhere(app, first, second, fromDockerConfig);

        // No credentials at all: a warning without a secret, never a hit.
        var none = new Dictionary<string, string> { ["DOCKER_CONFIG"] = Path.Combine(_work, "empty-docker-config") };
        CommandResult result = await app.TryPublishWithEnvironmentAsync(none, "-t:PublishContainer", "-p:ContainerRegistry=" + _basic.Host);
        StringAssert.Contains(result.Output, "warning CONTAINERCACHE2002");
        StringAssert.Contains(result.Output, "401");
        Assert.IsFalse(result.Output.Contains("ContainerCache: hit"));

        // Bearer tokens: the first publish there builds and pushes; the tokens are counted from just before the hit.
        string tokenBase = $"-p:ContainerBaseImage={_token.Host}/base:1";
        await Publish(app, _token, environment, tokenBase);
        int tokens = _tokenServer.RequestCount;
        CommandResult bearer = await Publish(app, _token, environment, tokenBase);

        StringAssert.Contains(bearer.Output, "ContainerCache: hit:");
        Assert.IsTrue(_tokenServer.RequestCount > tokens, "The package got its tokens from the token service.");
        using var reader = new RegistryReader(_token.Host, new NetworkCredential(User, Password));
        Assert.AreEqual(app.KeyFileKey(), (await reader.GetLabelsAsync(app.Repository, "latest"))[EndToEnd.KeyLabel]);
        AssertSecretNowhere(app, bearer);
    }

    private static Task<CommandResult> Publish(TestApp app, LocalRegistry registry, Dictionary<string, string> environment, params string[] arguments) =>
        app.PublishWithEnvironmentAsync(environment, ["-t:PublishContainer", "-p:ContainerRegistry=" + registry.Host, .. arguments]);

    /// <summary>The password is in no output and in no file of the app's folder, build logs (binlogs, written by the test) aside.</summary>
    private static void AssertSecretNowhere(TestApp app, params CommandResult[] results)
    {
        string encoded = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(User + ":" + Password));
        foreach (CommandResult result in results)
        {
            Assert.IsFalse(result.Output.Contains(Password) || result.Output.Contains(encoded), "The password is in the build output.");
        }

        foreach (string file in Directory.EnumerateFiles(app.Directory, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".binlog", StringComparison.Ordinal)))
        {
            byte[] bytes = File.ReadAllBytes(file);
            string text = System.Text.Encoding.UTF8.GetString(bytes);
            Assert.IsFalse(text.Contains(Password) || text.Contains(encoded), $"The password is in {file}.");
        }
    }
}
