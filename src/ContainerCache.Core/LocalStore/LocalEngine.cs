using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace ContainerCache.LocalStore;

/// <summary>
/// The local image store the .NET SDK loads an image into when no registry is set, and the few
/// calls the cache makes to it through its CLI, each bounded: find an image by name, inspect it,
/// tag it. The engine is the SDK's own choice (its <c>DockerCli</c>, SDK 10.0.1xx-4xx): the
/// LocalRegistry property (Docker or Podman), else docker if <c>docker version</c> succeeds (podman
/// instead when <c>docker</c> is podman under that name), else podman if <c>podman version</c> does.
/// </summary>
internal sealed class LocalEngine
{
    public const string Docker = "Docker";
    public const string Podman = "Podman";

    private readonly string _command;
    private readonly TimeSpan _timeout;

    private LocalEngine(string kind, string command, TimeSpan timeout)
    {
        Kind = kind;
        _command = command;
        _timeout = timeout;
    }

    /// <summary>Docker or Podman.</summary>
    public string Kind { get; }

    /// <summary>The CLI's name (or path), as the calls run it.</summary>
    public string Command => _command;

    /// <summary>
    /// The engine the SDK would load into, given its LocalRegistry property; null when that names an
    /// engine this cache does not handle (the SDK reports a value it does not know itself).
    /// <paramref name="docker"/> and <paramref name="podman"/> are the CLIs' names (tests give paths).
    /// </summary>
    /// <exception cref="LocalStoreException">Neither CLI answers, or one did not in time.</exception>
    public static LocalEngine? Choose(string localRegistry, TimeSpan timeout, string docker = "docker", string podman = "podman")
    {
        switch (localRegistry)
        {
            case Docker:
                return new LocalEngine(Docker, docker, timeout);
            case Podman:
                return new LocalEngine(Podman, podman, timeout);
            case "":
                break;
            default:
                return null;
        }

        // Both at once, as the SDK asks them.
        Task<Exception?> dockerAnswers = Task.Run(() => Answers(docker, timeout));
        Task<Exception?> podmanAnswers = Task.Run(() => Answers(podman, timeout));
        Task.WaitAll(dockerAnswers, podmanAnswers);

        // A CLI that did not answer in time, rather than not at all: the SDK's choice cannot be known.
        foreach (Exception? failure in new[] { dockerAnswers.Result, podmanAnswers.Result })
        {
            if (failure is LocalStoreException { InnerException: TimeoutException })
            {
                throw new LocalStoreException(failure.Message);
            }
        }

        if (dockerAnswers.Result is null)
        {
            return podmanAnswers.Result is null && IsPodmanAlias(docker, timeout)
                ? new LocalEngine(Podman, podman, timeout)
                : new LocalEngine(Docker, docker, timeout);
        }

        if (podmanAnswers.Result is null)
        {
            return new LocalEngine(Podman, podman, timeout);
        }

        throw new LocalStoreException(
            $"neither docker nor podman answers ('{docker} version': {dockerAnswers.Result.Message}; '{podman} version': {podmanAnswers.Result.Message})");
    }

    /// <summary>
    /// The image stored under <paramref name="name"/> (<c>repository:tag</c>, as the SDK names it), or
    /// null when there is none.
    /// </summary>
    /// <exception cref="LocalStoreException">The engine failed, did not answer in time, or answered something that is not an image.</exception>
    public LocalImage? Find(string name)
    {
        string stored = StoredName(name);
        EngineResult result = Run("image", "inspect", stored);
        if (result.ExitCode != 0)
        {
            if (IsNoSuchImage(result.StandardError))
            {
                return null;
            }

            throw Failed(result, "image inspect " + stored);
        }

        List<object?>? images;
        try
        {
            images = Json.Parse(result.StandardOutput.Trim()) as List<object?>;
        }
        catch (FormatException)
        {
            images = null;
        }


        if (images is not { Count: 1 } || images[0] is not Dictionary<string, object?> image)
        {
            throw new LocalStoreException($"'{_command} image inspect {stored}' printed something other than one image");
        }

        return LocalImage.FromInspect(image);
    }

    /// <summary>Gives the image <paramref name="id"/> the name <paramref name="name"/> (<c>repository:tag</c>), moving the name if another image had it.</summary>
    /// <exception cref="LocalStoreException">The engine failed or did not answer in time.</exception>
    public void Tag(string id, string name)
    {
        string stored = StoredName(name);
        EngineResult result = Run("tag", id, stored);
        if (result.ExitCode != 0)
        {
            throw Failed(result, $"tag {id} {stored}");
        }
    }

    /// <summary>
    /// The name the engine stores <paramref name="name"/> under: Podman qualifies a name without a
    /// registry with <c>localhost/</c>; asking for it so finds only the image the SDK loaded, never one
    /// a search of other registries would resolve the short name to.
    /// </summary>
    public string StoredName(string name)
    {
        if (Kind != Podman)
        {
            return name;
        }

        int slash = name.IndexOf('/');
        string first = slash < 0 ? "" : name.Substring(0, slash);
        bool qualified = first == "localhost" || first.IndexOf('.') >= 0 || first.IndexOf(':') >= 0;
        return qualified ? name : "localhost/" + name;
    }

    private EngineResult Run(params string[] arguments)
    {
        try
        {
            return EngineProcess.Run(_command, arguments, _timeout);
        }
        catch (LocalStoreException e)
        {
            throw new LocalStoreException($"{Kind}: {e.Message}", e);
        }
    }

    private LocalStoreException Failed(EngineResult result, string call) =>
        new($"{Kind}: '{_command} {call}' failed (exit code {result.ExitCode}): {(result.ErrorLine.Length == 0 ? "no message" : result.ErrorLine)}");

    /// <summary>What docker ("No such image") and podman ("image not known") say of a name they do not store.</summary>
    internal static bool IsNoSuchImage(string error) =>
        error.IndexOf("No such image", StringComparison.OrdinalIgnoreCase) >= 0
        || error.IndexOf("image not known", StringComparison.OrdinalIgnoreCase) >= 0;

    /// <summary>Null when '<paramref name="command"/> version' succeeds; else why not.</summary>
    private static Exception? Answers(string command, TimeSpan timeout)
    {
        try
        {
            EngineResult result = EngineProcess.Run(command, new[] { "version" }, timeout);
            return result.ExitCode == 0 ? null : new LocalStoreException($"exit code {result.ExitCode}: {result.ErrorLine}");
        }
        catch (LocalStoreException e)
        {
            return e;
        }
    }

    /// <summary>
    /// Whether 'docker' is podman under another name: its info, as the SDK reads it, has podman's
    /// host.buildahVersion and not docker's DockerRootDir.
    /// </summary>
    private static bool IsPodmanAlias(string docker, TimeSpan timeout)
    {
        try
        {
            EngineResult result = EngineProcess.Run(docker, new[] { "info", "--format", "{{json .}}" }, timeout);
            Dictionary<string, object?>? info = result.ExitCode == 0 ? Json.TryParseObject(result.StandardOutput.Trim()) : null;
            return info is not null
                && Json.GetString(info, "DockerRootDir") is null
                && Json.GetString(info, "host", "buildahVersion") is not null;
        }
        catch (LocalStoreException)
        {
            return false;
        }
    }
}
