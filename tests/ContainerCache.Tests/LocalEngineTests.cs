using System.Diagnostics;
using ContainerCache.LocalStore;

namespace ContainerCache.Tests;

/// <summary>
/// The local engine's CLI, played by shell scripts: how the SDK's engine is chosen, what an inspect
/// becomes, and that a failing or hanging CLI is an error within the bound, never a hang or a hit.
/// </summary>
[TestClass]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalEngineTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    // As Docker 20.10 prints it: the container fields at their zero value, which the rebuilt config leaves out.
    private const string DockerInspect = """
        [{"Id":"sha256:ad06","RepoTags":["app:k","app:latest"],"Config":{"Hostname":"","AttachStdin":false,"User":"1654",
          "Env":["A=1"],"Cmd":null,"Image":"","Volumes":null,"WorkingDir":"/app","Entrypoint":["dotnet","app.dll"],"OnBuild":null,
          "Labels":{"dev.containercache.key":"k1"}},"Architecture":"amd64","Os":"linux","RootFS":{"Type":"layers","Layers":["sha256:b","sha256:a"]}}]
        """;

    [TestMethod]
    public void LocalRegistry_NamesTheEngine_WithoutAskingAnything()
    {
        Assert.AreEqual("Docker", LocalEngine.Choose("Docker", Bound, docker: "/nonexistent/docker")!.Kind);
        Assert.AreEqual("Podman", LocalEngine.Choose("Podman", Bound, podman: "/nonexistent/podman")!.Kind);
        Assert.IsNull(LocalEngine.Choose("Wslc", Bound), "A store the SDK names but the cache does not read: no reuse.");
    }

    [TestMethod]
    public void Detection_IsTheSdks_DockerFirst_PodmanWhenDockerIsPodman_OrWhenDockerDoesNotAnswer()
    {
        using var dir = new TempDirectory();
        string docker = Script(dir, "docker", "exit 0");
        string dockerDown = Script(dir, "docker-down", "echo 'Cannot connect to the Docker daemon' >&2; exit 1");
        string dockerIsPodman = Script(dir, "docker-podman", """[ "$1" = info ] && echo '{"host":{"buildahVersion":"1.28.2"}}'; exit 0""");
        string podman = Script(dir, "podman", "exit 0");
        string missing = dir.Combine("missing");

        Assert.AreEqual("Docker", LocalEngine.Choose("", Bound, docker, podman)!.Kind);
        Assert.AreEqual(docker, LocalEngine.Choose("", Bound, docker, missing)!.Command);
        Assert.AreEqual("Podman", LocalEngine.Choose("", Bound, dockerIsPodman, podman)!.Kind);
        Assert.AreEqual("Podman", LocalEngine.Choose("", Bound, dockerDown, podman)!.Kind);
        Assert.AreEqual("Docker", LocalEngine.Choose("", Bound, dockerIsPodman, missing)!.Kind, "Without podman, the SDK runs docker, whatever it is.");

        var none = Assert.ThrowsExactly<LocalStoreException>(() => LocalEngine.Choose("", Bound, dockerDown, missing));
        StringAssert.Contains(none.Message, "neither docker nor podman answers");
        StringAssert.Contains(none.Message, "Cannot connect to the Docker daemon");
    }

    [TestMethod]
    public void Find_RebuildsTheConfig_WithoutZeroFields_AndNamesThePodmanStore()
    {
        using var dir = new TempDirectory();
        string log = dir.Combine("calls");
        string docker = Script(dir, "docker", $"echo \"$*\" >> {log}; cat <<'JSON'\n{DockerInspect}\nJSON");
        LocalImage image = LocalEngine.Choose("Docker", Bound, docker: docker)!.Find("app:k")!;

        Assert.AreEqual("sha256:ad06", image.Id);
        CollectionAssert.AreEqual(new[] { "app:k", "app:latest" }, image.Names.ToArray());
        Assert.AreEqual("k1", image.Image.Key);
        Assert.AreEqual("linux/amd64", image.Image.Platform);
        Assert.AreEqual("", image.Image.Manifest.Digest, "An engine keeps no manifest of a loaded image.");
        var config = Json.GetObject(image.Image.ConfigJson, "config")!;
        CollectionAssert.AreEquivalent(new[] { "User", "Env", "WorkingDir", "Entrypoint", "Labels" }, config.Keys.ToArray());
        CollectionAssert.AreEqual(new object?[] { "sha256:b", "sha256:a" }, Json.GetArray(image.Image.ConfigJson, "rootfs", "diff_ids"));
        Assert.AreEqual("image inspect app:k", File.ReadAllText(log).Trim());

        string podman = Script(dir, "podman", $"echo \"$*\" >> {log}; echo '[{{\"Id\":\"ad06\",\"Config\":{{\"Healthcheck\":{{\"Test\":[\"x\"]}}}}}}]'");
        LocalEngine podmanEngine = LocalEngine.Choose("Podman", Bound, podman: podman)!;
        LocalImage fromPodman = podmanEngine.Find("app:k")!;
        Assert.AreEqual("sha256:ad06", fromPodman.Id, "Podman prints the ID without its algorithm.");
        Assert.IsTrue(Json.GetObject(fromPodman.Image.ConfigJson, "config")!.ContainsKey("Healthcheck"), "A field the SDK never writes stays, and fails the check.");
        StringAssert.EndsWith(File.ReadAllText(log).Trim(), "image inspect localhost/app:k");
        Assert.AreEqual("registry.example/app:k", podmanEngine.StoredName("registry.example/app:k"));
        Assert.AreEqual("localhost/team/app:k", podmanEngine.StoredName("team/app:k"));
    }

    [TestMethod]
    public void Find_NoSuchImage_IsNull_AnyOtherFailure_IsAnError()
    {
        using var dir = new TempDirectory();
        string dockerMissing = Script(dir, "docker-missing", "echo '[]'; echo 'Error response from daemon: No such image: app:k' >&2; exit 1");
        string podmanMissing = Script(dir, "podman-missing", "echo 'Error: app:k: image not known' >&2; exit 125");
        string failing = Script(dir, "docker-failing", "echo 'Cannot connect to the Docker daemon at unix:///x.sock' >&2; exit 1");
        string garbage = Script(dir, "docker-garbage", "echo 'not json'");

        Assert.IsNull(LocalEngine.Choose("Docker", Bound, docker: dockerMissing)!.Find("app:k"));
        Assert.IsNull(LocalEngine.Choose("Podman", Bound, podman: podmanMissing)!.Find("app:k"));
        var down = Assert.ThrowsExactly<LocalStoreException>(() => LocalEngine.Choose("Docker", Bound, docker: failing)!.Find("app:k"));
        StringAssert.Contains(down.Message, "exit code 1");
        StringAssert.Contains(down.Message, "Cannot connect to the Docker daemon");
        Assert.ThrowsExactly<LocalStoreException>(() => LocalEngine.Choose("Docker", Bound, docker: garbage)!.Find("app:k"));
        Assert.ThrowsExactly<LocalStoreException>(() => LocalEngine.Choose("Docker", Bound, docker: dir.Combine("missing"))!.Find("app:k"));
    }

    [TestMethod]
    public void SlowCli_IsStoppedAtTheBound_WithItsChildren()
    {
        using var dir = new TempDirectory();
        string pidFile = dir.Combine("child.pid");
        string slow = Script(dir, "docker", $"sleep 60 & echo $! > {pidFile}; wait");
        var timer = Stopwatch.StartNew();
        var late = Assert.ThrowsExactly<LocalStoreException>(() => LocalEngine.Choose("Docker", TimeSpan.FromMilliseconds(500), docker: slow)!.Find("app:k"));
        Assert.IsTrue(timer.Elapsed < TimeSpan.FromSeconds(8), $"Took {timer.Elapsed}.");
        StringAssert.Contains(late.Message, "did not finish within 0.5 s");

        // Detection too: a CLI that does not answer in time is not taken for one that is absent.
        var detecting = Assert.ThrowsExactly<LocalStoreException>(() => LocalEngine.Choose("", TimeSpan.FromMilliseconds(500), slow, dir.Combine("missing")));
        StringAssert.Contains(detecting.Message, "did not finish");

        int child = int.Parse(File.ReadAllText(pidFile).Trim());
        // SIGKILL is delivered, and the child ends, a moment after the kill returns: a loaded machine
        // may show it still there; it must be gone (or a zombie) within a few seconds, not 60.
        var gone = Stopwatch.StartNew();
        while (IsRunning(child) && gone.Elapsed < TimeSpan.FromSeconds(10))
        {
            System.Threading.Thread.Sleep(20);
        }

        Assert.IsFalse(IsRunning(child), "The CLI's child was stopped with it.");
    }

    [TestMethod]
    public void Tag_PutsTheNameOnTheImageId_AndReportsAFailure()
    {
        using var dir = new TempDirectory();
        string log = dir.Combine("calls");
        string podman = Script(dir, "podman", $"echo \"$*\" >> {log}");
        LocalEngine.Choose("Podman", Bound, podman: podman)!.Tag("sha256:ad06", "app:v2");
        Assert.AreEqual("tag sha256:ad06 localhost/app:v2", File.ReadAllText(log).Trim());

        string failing = Script(dir, "docker", "echo 'Error response from daemon: refusing' >&2; exit 1");
        var e = Assert.ThrowsExactly<LocalStoreException>(() => LocalEngine.Choose("Docker", Bound, docker: failing)!.Tag("sha256:ad06", "app:v2"));
        StringAssert.Contains(e.Message, "refusing");
    }

    [TestMethod]
    public void Json_Write_RoundTrips()
    {
        const string text = """{"a":[1,-2.5,true,false,null],"b":{"c":"x\"\\\n"},"d":{}}""";
        Assert.AreEqual(text, Json.Write(Json.Parse(text)));
    }

    private static string Script(TempDirectory dir, string name, string body)
    {
        string path = dir.Write(name, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ");
        }
        catch (IOException)
        {
            return false;
        }
    }
}

[TestClass]
public sealed class LoadedImageRecordTests
{
    private const string Config = """{"architecture":"amd64","os":"linux","config":{"Labels":{"dev.containercache.key":"k1"}},"rootfs":{"type":"layers","diff_ids":["sha256:a"]}}""";

    [TestMethod]
    public void Read_GivesTheSdksConfigAndManifest_OnlyForTheImageWhoseIdIsTheConfigsDigest()
    {
        using var dir = new TempDirectory();
        string id = ContainerCache.Registry.RegistryClient.Sha256Digest(System.Text.Encoding.UTF8.GetBytes(Config));
        string manifest = $$"""{"schemaVersion":2,"config":{"digest":"{{id}}"},"layers":[{"digest":"sha256:c"}]}""";
        string digest = ContainerCache.Registry.RegistryClient.Sha256Digest(System.Text.Encoding.UTF8.GetBytes(manifest));
        string path = dir.Write("record.json", LoadedImageRecord.Format(Config, manifest, digest, "application/vnd.oci.image.manifest.v1+json"));

        var image = LoadedImageRecord.Read(path, id)!;
        Assert.AreEqual(Config, image.ConfigText);
        Assert.AreEqual(digest, image.Manifest.Digest);
        Assert.AreEqual(manifest, image.Manifest.Text);
        Assert.AreEqual("k1", image.Key);

        Assert.IsNull(LoadedImageRecord.Read(path, "sha256:" + new string('0', 64)), "Another image: the record is not its.");
        Assert.IsNull(LoadedImageRecord.Read(dir.Combine("missing.json"), id));

        // A manifest that does not match its digest is dropped; the config, proven by the ID, stays.
        string edited = dir.Write("edited.json", LoadedImageRecord.Format(Config, manifest.Replace("sha256:c", "sha256:d"), digest, "x"));
        var withoutManifest = LoadedImageRecord.Read(edited, id)!;
        Assert.AreEqual("", withoutManifest.Manifest.Digest);
        Assert.AreEqual(Config, withoutManifest.ConfigText);
    }
}
