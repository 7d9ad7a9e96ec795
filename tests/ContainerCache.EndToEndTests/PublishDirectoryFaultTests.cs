using ContainerCache.TestRegistry;

namespace ContainerCache.EndToEndTests;

/// <summary>
/// What a publish directory can hold, or what a killed build can leave, on real publishes: a coded
/// error where the SDK could not build the image (never a hang), no file destroyed, and nothing
/// left that a later image would ship.
/// </summary>
[TestClass]
public sealed class PublishDirectoryFaultTests
{
    /// <summary>Well under the 10 minutes a command may take: a publish that hangs on a FIFO fails the test instead.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    /// <summary>
    /// One app: what a killed publish leaves does not change the next key; then, on the same published
    /// app rather than a first publish of its own, a FIFO or a link to a device in the publish directory
    /// is a coded error naming it, never a hang.
    /// </summary>
    [TestMethod]
    public async Task WhatAKilledPublishLeaves_DoesNotChangeTheNextKey_AFifoOrLinkToADevice_CodedErrorNamingIt_NoHang()
    {
        TestApp app = TestApp.Create("Killed");
        await app.PublishAsync();
        string clean = app.KeyFileKey();
        string keyFile = Path.Combine(app.PublishDirectory(), "container-cache.json");
        string obj = Path.Combine(app.Directory, "obj", "Release", "net10.0");
        Assert.AreEqual(
            "container-cache.json",
            string.Join(", ", Directory.GetFiles(app.PublishDirectory(), "container-cache*").Select(Path.GetFileName)),
            "A publish leaves no temporary file in the publish directory.");

        // A kill while the key file was written leaves its temporary file half written, in obj/ only;
        // a kill during a copy across file systems leaves the key file itself cut short.
        string content = File.ReadAllText(keyFile);
        File.WriteAllText(Path.Combine(obj, "container-cache.json." + Guid.NewGuid().ToString("N") + ".tmp"), content[..(content.Length / 2)]);
        File.WriteAllText(keyFile, content[..(content.Length / 3)]);
        File.WriteAllText(Path.Combine(obj, "container-cache.hashes." + Guid.NewGuid().ToString("N") + ".tmp"), "ContainerCache.Hash");

        // What the publish creates in the publish directory, even for a moment: a kill at that moment would leave it there.
        var created = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using (var watcher = new FileSystemWatcher(app.PublishDirectory()) { IncludeSubdirectories = true })
        {
            watcher.Created += (_, e) => created.Enqueue(e.Name!);
            watcher.Renamed += (_, e) => created.Enqueue(e.OldName + " -> " + e.Name);
            watcher.EnableRaisingEvents = true;
            await app.PublishAsync();
        }

        Assert.AreEqual(clean, app.KeyFileKey());
        Assert.AreEqual(content, File.ReadAllText(keyFile), "The key file cut short is replaced.");
        Assert.IsFalse(created.Any(n => n.Contains(".tmp", StringComparison.Ordinal)), "Created in the publish directory: " + string.Join(", ", created));
        Assert.IsTrue(created.Any(n => n.EndsWith("container-cache.json", StringComparison.Ordinal)), "The watcher saw the key file renamed into place: " + string.Join(", ", created));

        // And the same from scratch: the key a clean publish gives.
        app.DeleteBuildOutput();
        await app.PublishAsync();
        Assert.AreEqual(clean, app.KeyFileKey());

        // Last, as it leaves the publish directory unusable. File types are read without opening only on Linux.
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string fifo = Path.Combine(app.PublishDirectory(), "logs.pipe");
        CommandResult mkfifo = await CommandLine.RunAsync("mkfifo", [fifo], TimeSpan.FromSeconds(30));
        Assert.AreEqual(0, mkfifo.ExitCode, mkfifo.Output);

        // Incremental keying off: the listing without stamps must not open it either.
        CommandResult plain = await Bounded(app.TryPublishAsync("-p:ContainerCacheIncremental=false"));
        Assert.AreNotEqual(0, plain.ExitCode);
        StringAssert.Contains(plain.Output, "error CONTAINERCACHE1010");
        StringAssert.Contains(plain.Output, "'logs.pipe'");
        StringAssert.Contains(plain.Output, "a FIFO (named pipe)");

        // A container publish stops before the SDK would read /dev/zero forever; no image is written.
        File.Delete(fifo);
        File.CreateSymbolicLink(Path.Combine(app.PublishDirectory(), "zero.bin"), "/dev/zero");
        string archive = Path.Combine(app.Directory, "image.tar");
        CommandResult container = await Bounded(app.TryPublishAsync("-t:PublishContainer", "-p:ContainerArchiveOutputPath=" + archive));
        Assert.AreNotEqual(0, container.ExitCode);
        StringAssert.Contains(container.Output, "error CONTAINERCACHE1010");
        StringAssert.Contains(container.Output, "'zero.bin'");
        StringAssert.Contains(container.Output, "/dev/zero");
        Assert.IsFalse(File.Exists(archive));
    }

    private static async Task<CommandResult> Bounded(Task<CommandResult> publish)
    {
        Task done = await Task.WhenAny(publish, Task.Delay(Bound));
        Assert.AreSame(publish, done, $"The publish did not end within {Bound}: it hangs.");
        return await publish;
    }
}
