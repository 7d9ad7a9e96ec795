using System.Text;
using System.Text.Json.Nodes;
using ContainerCache.Keys;
using ContainerCache.Registry;

namespace ContainerCache.Tests;

/// <summary>
/// An image is reused only when everything its manifest and config say agrees with this publish:
/// the label alone, copied by any image built FROM it, proves nothing.
/// </summary>
[TestClass]
public sealed class ImageCheckTests
{
    private const string Key = "0123456789abcdef0123456789abcdef";
    private static readonly string BaseLayer = "sha256:" + new string('b', 64);
    private static readonly string BaseDiffId = "sha256:" + new string('d', 64);
    private static readonly string AppLayer = "sha256:" + new string('a', 64);
    private static readonly string AppDiffId = "sha256:" + new string('c', 64);

    private static StoredImage Base(Action<JsonObject>? edit = null) =>
        Image(
            new JsonObject { ["Env"] = new JsonArray("PATH=/usr/bin", "APP_UID=1654", "ASPNETCORE_HTTP_PORTS=8080"), ["WorkingDir"] = "/", ["Labels"] = new JsonObject { ["vendor"] = "base" } },
            [BaseLayer],
            [BaseDiffId],
            edit);

    private static ImageSettings Settings() => new()
    {
        BaseRegistry = "localhost:5000",
        BaseRepository = "base",
        BaseTag = "1",
        BaseDigest = "sha256:" + new string('1', 64),
        RuntimeIdentifier = "linux-x64",
        WorkingDirectory = "/app/",
        AppCommand = ["dotnet", "/app/App.dll"],
        EnvironmentVariables = [new("GREETING", "hi")],
        Labels = [new("org.opencontainers.image.version", "1.0.0"), new("org.opencontainers.image.created", "2026-01-01")],
        Ports = [new("9000", "")],
    };

    /// <summary>The image the SDK builds from <see cref="Base"/> and <see cref="Settings"/>.</summary>
    private static StoredImage Built(Action<JsonObject>? edit = null, string[]? layers = null, string[]? diffIds = null) =>
        Image(
            new JsonObject
            {
                ["ExposedPorts"] = new JsonObject { ["8080/tcp"] = new JsonObject(), ["9000/tcp"] = new JsonObject() },
                ["Labels"] = new JsonObject
                {
                    ["vendor"] = "base",
                    ["org.opencontainers.image.version"] = "1.0.0",
                    ["org.opencontainers.image.created"] = "2026-12-01T10:00:00Z",
                    ["org.opencontainers.image.base.digest"] = Base().Manifest.Digest,
                    [ImageSettings.KeyLabel] = Key,
                },
                ["Env"] = new JsonArray("PATH=/usr/bin", "APP_UID=1654", "ASPNETCORE_HTTP_PORTS=8080", "GREETING=hi"),
                ["WorkingDir"] = "/app/",
                ["Entrypoint"] = new JsonArray("dotnet", "/app/App.dll"),
                ["User"] = "1654",
            },
            layers ?? [BaseLayer, AppLayer],
            diffIds ?? [BaseDiffId, AppDiffId],
            edit);

    private static StoredImage Image(JsonObject config, string[] layers, string[] diffIds, Action<JsonObject>? edit)
    {
        edit?.Invoke(config);
        var root = new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["config"] = config,
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(diffIds.Select(d => (JsonNode)d).ToArray()) },
        };
        byte[] configBytes = Encoding.UTF8.GetBytes(root.ToJsonString());
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = new JsonObject { ["digest"] = RegistryClient.Sha256Digest(configBytes) },
            ["layers"] = new JsonArray(layers.Select(l => (JsonNode)new JsonObject { ["digest"] = l }).ToArray()),
        };
        byte[] manifestBytes = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        return new StoredImage(new Manifest(manifestBytes, MediaTypes.OciManifest, RegistryClient.Sha256Digest(manifestBytes)), configBytes);
    }

    private static string[] Check(StoredImage candidate, ImageSettings? settings = null, StoredImage? baseImage = null) =>
        ImageCheck.Disagreements(candidate, baseImage ?? Base(), settings ?? Settings(), Key).ToArray();

    [TestMethod]
    public void TheImageTheSdkBuilds_Agrees()
    {
        CollectionAssert.AreEqual(Array.Empty<string>(), Check(Built()));
    }

    [TestMethod]
    public void CopiedLabel_AnotherEntrypoint_Disagrees()
    {
        CollectionAssert.AreEqual(new[] { "entrypoint" }, Check(Built(c => c["Entrypoint"] = new JsonArray("/bin/sh", "-c", "evil"))));
    }

    [TestMethod]
    public void BuiltFromTheImage_OneMoreLayerAndVariable_Disagrees()
    {
        StoredImage derived = Built(
            c => ((JsonArray)c["Env"]!).Add("EXTRA=1"),
            layers: [BaseLayer, AppLayer, "sha256:" + new string('e', 64)],
            diffIds: [BaseDiffId, AppDiffId, "sha256:" + new string('f', 64)]);

        CollectionAssert.AreEqual(new[] { "base.layers", "env:EXTRA" }, Check(derived));
    }

    [TestMethod]
    public void AnotherBase_Disagrees()
    {
        StoredImage other = Built(layers: ["sha256:" + new string('9', 64), AppLayer], diffIds: ["sha256:" + new string('8', 64), AppDiffId]);
        CollectionAssert.AreEqual(new[] { "base.layers" }, Check(other));
    }

    [TestMethod]
    public void EachSettingThatDisagrees_IsNamed_NeverItsValue()
    {
        StoredImage candidate = Built(c =>
        {
            c["WorkingDir"] = "/srv/";
            c["User"] = "root";
            c["Cmd"] = new JsonArray("--flag");
            ((JsonObject)c["ExposedPorts"]!)["22/tcp"] = new JsonObject();
            ((JsonObject)c["Labels"]!)["org.opencontainers.image.version"] = "6.6.6";
            c["Env"] = new JsonArray("PATH=/usr/bin", "APP_UID=1654", "ASPNETCORE_HTTP_PORTS=8080", "GREETING=secret-value");
            c["Healthcheck"] = new JsonObject { ["Test"] = new JsonArray("CMD", "true") };
        });

        string[] found = Check(candidate);

        CollectionAssert.AreEquivalent(
            new[] { "config.Healthcheck", "cmd", "workingDirectory", "env:GREETING", "user", "ports", "label:org.opencontainers.image.version" },
            found);
        Assert.IsFalse(string.Join(",", found).Contains("secret-value"));
    }

    [TestMethod]
    public void AnotherKeyLabel_AnotherPlatform_AnotherBaseDigestLabel_Disagree()
    {
        StoredImage candidate = Built(c =>
        {
            ((JsonObject)c["Labels"]!)[ImageSettings.KeyLabel] = new string('f', 32);
            ((JsonObject)c["Labels"]!)["org.opencontainers.image.base.digest"] = "sha256:" + new string('0', 64);
        });
        var arm = JsonNode.Parse(candidate.ConfigText)!.AsObject();
        arm["architecture"] = "arm64";
        byte[] armConfig = Encoding.UTF8.GetBytes(arm.ToJsonString());

        CollectionAssert.AreEquivalent(
            new[] { "label:" + ImageSettings.KeyLabel, "label:org.opencontainers.image.base.digest" },
            Check(candidate));
        CollectionAssert.Contains(Check(new StoredImage(candidate.Manifest, armConfig)), "platform");
    }

    [TestMethod]
    public void VolatileLabels_AreNotCompared()
    {
        CollectionAssert.AreEqual(
            Array.Empty<string>(),
            Check(Built(c => ((JsonObject)c["Labels"]!)["org.opencontainers.image.revision"] = "abc123")));
    }

    [TestMethod]
    public void AnExplicitUser_WinsOverAppUid()
    {
        ImageSettings settings = Settings();
        settings.User = "app";
        CollectionAssert.AreEqual(new[] { "user" }, Check(Built(), settings));
        CollectionAssert.AreEqual(Array.Empty<string>(), Check(Built(c => c["User"] = "app"), settings));
    }

    [TestMethod]
    public void AspNetCoreUrls_NameThePorts_AndOverrideThePortVariables()
    {
        ImageSettings settings = Settings();
        settings.EnvironmentVariables = [new("GREETING", "hi"), new("ASPNETCORE_URLS", "http://+:5000;https://*:5001")];
        StoredImage candidate = Built(c =>
        {
            c["ExposedPorts"] = new JsonObject { ["5000/tcp"] = new JsonObject(), ["5001/tcp"] = new JsonObject(), ["9000/tcp"] = new JsonObject() };
            c["Env"] = new JsonArray("PATH=/usr/bin", "APP_UID=1654", "ASPNETCORE_HTTP_PORTS=8080", "GREETING=hi", "ASPNETCORE_URLS=http://+:5000;https://*:5001");
        });

        CollectionAssert.AreEqual(Array.Empty<string>(), Check(candidate, settings));
    }

    [TestMethod]
    public void Execution_FollowsTheSdksRules()
    {
        static string Run(Action<ImageSettings> set, params string[] baseEntrypoint)
        {
            var settings = new ImageSettings();
            set(settings);
            var result = ImageCheck.Execution(settings, baseEntrypoint);
            return result is null ? "error" : string.Join(" ", result.Value.Entrypoint) + " | " + string.Join(" ", result.Value.Cmd);
        }

        Assert.AreEqual("dotnet app.dll --a | --d", Run(s => { s.AppCommand = ["dotnet", "app.dll"]; s.AppCommandArgs = ["--a"]; s.DefaultArgs = ["--d"]; }));
        Assert.AreEqual("tini -- | dotnet app.dll --d", Run(s => { s.Entrypoint = ["tini", "--"]; s.AppCommand = ["dotnet", "app.dll"]; s.DefaultArgs = ["--d"]; }));
        Assert.AreEqual("dotnet app.dll | --legacy", Run(s => { s.EntrypointArgs = ["--legacy"]; s.AppCommand = ["dotnet", "app.dll"]; }));
        Assert.AreEqual("/init | dotnet app.dll", Run(s => { s.AppCommand = ["dotnet", "app.dll"]; s.AppCommandInstruction = "DefaultArgs"; }, "/init"));
        Assert.AreEqual(" | dotnet app.dll", Run(s => { s.AppCommand = ["dotnet", "app.dll"]; s.AppCommandInstruction = "DefaultArgs"; }, "dotnet"));
        Assert.AreEqual("error", Run(s => { s.AppCommand = ["dotnet", "app.dll"]; s.AppCommandInstruction = "None"; }));
        Assert.AreEqual("error", Run(s => { s.AppCommandArgs = ["--a"]; }));
        Assert.AreEqual("error", Run(s => { s.AppCommand = ["x"]; s.AppCommandInstruction = "Sideways"; }));
    }

    [TestMethod]
    public void Platform_OfRuntimeIdentifiers()
    {
        Assert.AreEqual(("linux", "amd64"), ImageCheck.Platform("linux-x64"));
        Assert.AreEqual(("linux", "arm64"), ImageCheck.Platform("linux-musl-arm64"));
        Assert.AreEqual(("windows", "amd64"), ImageCheck.Platform("win-x64"));
        Assert.IsNull(ImageCheck.Platform("osx-arm64"));
        Assert.IsNull(ImageCheck.Platform(""));
    }
}
