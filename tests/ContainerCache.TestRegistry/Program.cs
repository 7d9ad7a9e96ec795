using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace ContainerCache.TestRegistry;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        int port = 0;
        string? directory = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out port):
                    i++;
                    break;
                case "--dir" when i + 1 < args.Length:
                    directory = Path.GetFullPath(args[++i]);
                    break;
                default:
                    Console.Error.WriteLine("usage: ContainerCache.TestRegistry [--port N] [--dir DIR]");
                    return 2;
            }
        }

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        directory ??= Directory.CreateTempSubdirectory("containercache-registry-").FullName;
        using LocalRegistry registry = await LocalRegistry.StartAsync(directory, port);
        string digest = await BaseImage.PushAsync(registry.Host, "base", "1", BaseImage.LinuxAmd64AndArm64);

        Console.Out.WriteLine($"registry={registry.Host}");
        Console.Out.WriteLine($"base={registry.Host}/base:1");
        Console.Out.Flush();
        Console.Error.WriteLine($"base:1 is {digest}; registry data and log in {directory}");

        // A background job in a non-interactive shell gets /dev/null as stdin; only a signal stops it then.
        if (new FileInfo("/proc/self/fd/0").LinkTarget != "/dev/null")
        {
            _ = Task.Run(() =>
            {
                using Stream stdin = Console.OpenStandardInput();
                stdin.CopyTo(Stream.Null);
                stop.TrySetResult();
            });
        }

        await stop.Task;
        return 0;

        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.TrySetResult();
        }
    }
}
