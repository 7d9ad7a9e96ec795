using ContainerCache.Keys;

namespace ContainerCache.Tests;

[TestClass]
public sealed class ImageSettingsTests
{
    private static readonly string EmptyDirectory = Directory.CreateTempSubdirectory("cc-settings-").FullName;

    private static string KeyOf(ImageSettings settings) => ContentKey.Compute(EmptyDirectory, settings.ToSettings()).Key;

    private static ImageSettings Baseline() => new()
    {
        BaseRegistry = "localhost:5000",
        BaseRepository = "base",
        BaseTag = "1",
        WorkingDirectory = "/app/",
        AppCommand = ["dotnet", "app.dll"],
        Labels = [new("org.opencontainers.image.version", "1.0.0")],
        EnvironmentVariables = [new("A", "1")],
        Ports = [new("8080", "tcp")],
    };

    [TestMethod]
    public void VolatileAndOwnLabels_AreNotKeyed()
    {
        ImageSettings settings = Baseline();
        string before = KeyOf(settings);
        settings.Labels =
        [
            .. settings.Labels,
            new("org.opencontainers.image.created", DateTime.UtcNow.ToString("o")),
            new("org.opencontainers.artifact.created", DateTime.UtcNow.ToString("o")),
            new("org.opencontainers.image.revision", "0123456789abcdef0123456789abcdef01234567"),
            new(ImageSettings.KeyLabel, "0123"),
        ];
        Assert.AreEqual(before, KeyOf(settings));
    }

    [TestMethod]
    public void PortProtocolDefaultsToTcp_AndPortOrderDoesNotMatter()
    {
        ImageSettings settings = Baseline();
        settings.Ports = [new("80", ""), new("443", "TCP")];
        string key = KeyOf(settings);
        settings.Ports = [new("443", "tcp"), new("80", "tcp")];
        Assert.AreEqual(key, KeyOf(settings));
    }

    [TestMethod]
    [DataRow(nameof(ImageSettings.BaseTag))]
    [DataRow(nameof(ImageSettings.BaseDigest))]
    [DataRow(nameof(ImageSettings.BaseRegistry))]
    [DataRow(nameof(ImageSettings.WorkingDirectory))]
    [DataRow(nameof(ImageSettings.User))]
    [DataRow(nameof(ImageSettings.RuntimeIdentifier))]
    [DataRow(nameof(ImageSettings.SdkVersion))]
    [DataRow(nameof(ImageSettings.AppCommand))]
    [DataRow(nameof(ImageSettings.Entrypoint))]
    [DataRow(nameof(ImageSettings.DefaultArgs))]
    [DataRow(nameof(ImageSettings.Labels))]
    [DataRow(nameof(ImageSettings.EnvironmentVariables))]
    [DataRow(nameof(ImageSettings.Ports))]
    public void EverySetting_ChangesTheKey(string property)
    {
        ImageSettings settings = Baseline();
        string before = KeyOf(settings);
        switch (property)
        {
            case nameof(ImageSettings.BaseTag): settings.BaseTag = "2"; break;
            case nameof(ImageSettings.BaseDigest): settings.BaseDigest = "sha256:00"; break;
            case nameof(ImageSettings.BaseRegistry): settings.BaseRegistry = "localhost:5001"; break;
            case nameof(ImageSettings.WorkingDirectory): settings.WorkingDirectory = "/srv/"; break;
            case nameof(ImageSettings.User): settings.User = "app"; break;
            case nameof(ImageSettings.RuntimeIdentifier): settings.RuntimeIdentifier = "linux-arm64"; break;
            case nameof(ImageSettings.SdkVersion): settings.SdkVersion = "10.0.402"; break;
            case nameof(ImageSettings.AppCommand): settings.AppCommand = ["app.dll", "dotnet"]; break;
            case nameof(ImageSettings.Entrypoint): settings.Entrypoint = ["/bin/sh"]; break;
            case nameof(ImageSettings.DefaultArgs): settings.DefaultArgs = ["--verbose"]; break;
            case nameof(ImageSettings.Labels): settings.Labels = [new("org.opencontainers.image.version", "1.0.1")]; break;
            case nameof(ImageSettings.EnvironmentVariables): settings.EnvironmentVariables = [new("A", "2")]; break;
            case nameof(ImageSettings.Ports): settings.Ports = [new("8080", "udp")]; break;
        }

        Assert.AreNotEqual(before, KeyOf(settings));
    }
}
