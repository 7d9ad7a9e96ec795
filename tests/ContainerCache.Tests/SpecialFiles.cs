using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ContainerCache.Tests;

/// <summary>Makes the files a publish directory should never hold, and bounds what could hang on them.</summary>
internal static class SpecialFiles
{
    public static string MakeFifo(string path)
    {
        Assert.AreEqual(0, mkfifo(path, 0x1B6 /* 0666 */), "mkfifo " + path);
        return path;
    }

    /// <summary>A socket file at <paramref name="path"/>, there until the socket is disposed.</summary>
    public static Socket MakeSocket(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    /// <summary>Creates a file whose name is the given bytes, which need not be valid UTF-8.</summary>
    public static void CreateByBytes(byte[] path)
    {
        int fd = creat([.. path, 0], 0x1A4 /* 0644 */);
        Assert.IsTrue(fd >= 0, "creat");
        close(fd);
    }

    public static void DeleteByBytes(byte[] path) => unlink([.. path, 0]);

    /// <summary>Runs what would hang if it opened a FIFO or read a device: a test that fails, not a run that never ends.</summary>
    public static T Bounded<T>(Func<T> action)
    {
        Task<T> task = Task.Run(action);
        Assert.IsTrue(task.Wait(TimeSpan.FromSeconds(30)), "Still running after 30 s: it opened what it must not.");
        return task.Result;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int creat(byte[] path, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int unlink(byte[] path);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
