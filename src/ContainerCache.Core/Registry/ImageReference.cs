using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ContainerCache.Keys;

namespace ContainerCache.Registry;

/// <summary>
/// An image reference as users write it: <c>[REGISTRY/]REPOSITORY[:TAG][@DIGEST]</c>, read the way
/// docker and the SDK read it (a first part with '.' or ':', or <c>localhost</c>, is a registry;
/// otherwise the image is on Docker Hub).
/// </summary>
internal sealed class ImageReference
{
    public const string DockerHub = "docker.io";

    public ImageReference(string registry, string repository, string? tag, string? digest)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    public string Registry { get; }
    public string Repository { get; }
    public string? Tag { get; }
    public string? Digest { get; }

    /// <summary>The digest when there is one, else the tag, else <c>latest</c>.</summary>
    public string Reference => Digest ?? Tag ?? "latest";

    public override string ToString() =>
        Registry + "/" + Repository + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    /// <exception cref="FormatException">The text is not an image reference.</exception>
    public static ImageReference Parse(string text)
    {
        string rest = text.Trim();
        string? digest = null;
        int at = rest.IndexOf('@');
        if (at >= 0)
        {
            digest = rest.Substring(at + 1);
            rest = rest.Substring(0, at);
            if (!IsDigest(digest))
            {
                throw new FormatException($"'{text}' has a malformed digest '{digest}'.");
            }
        }

        string? tag = null;
        int colon = rest.LastIndexOf(':');
        if (colon > rest.LastIndexOf('/'))
        {
            tag = rest.Substring(colon + 1);
            rest = rest.Substring(0, colon);
            if (!ImageTag.IsValid(tag))
            {
                throw new FormatException($"'{text}' has an invalid tag '{tag}'.");
            }
        }

        string registry = DockerHub;
        int slash = rest.IndexOf('/');
        if (slash > 0)
        {
            string first = rest.Substring(0, slash);
            if (first.IndexOf('.') >= 0 || first.IndexOf(':') >= 0 || first == "localhost")
            {
                registry = first;
                rest = rest.Substring(slash + 1);
                if (RegistryError(registry) is { } error)
                {
                    throw new FormatException($"'{text}' names the registry '{registry}': {error}");
                }
            }
        }

        if (registry == DockerHub && rest.IndexOf('/') < 0)
        {
            rest = "library/" + rest;
        }

        if (!IsRepository(rest))
        {
            throw new FormatException($"'{text}' has no valid repository: write REGISTRY/REPOSITORY:TAG, the repository in lowercase letters, digits and '/', '.', '_', '-'.");
        }

        return new ImageReference(registry, rest, tag, digest);
    }

    /// <summary>
    /// Why <paramref name="registry"/> is not a registry name as docker reads one (a host name,
    /// IPv4 address or bracketed IPv6 address, then an optional port from 1 to 65535), or null
    /// when it is one. Checked before a URI is made of it, which would throw for some names, and
    /// connect to port 0 or a host with a space for others.
    /// </summary>
    public static string? RegistryError(string registry)
    {
        string host = registry;
        int colon = registry.LastIndexOf(':');
        if (colon >= 0 && colon > registry.LastIndexOf(']'))
        {
            host = registry.Substring(0, colon);
            string port = registry.Substring(colon + 1);
            if (port.Length == 0 || port.Length > 5 || !IsDigits(port)
                || int.Parse(port, NumberStyles.None, CultureInfo.InvariantCulture) is < 1 or > 65535)
            {
                return $"the port '{port}' is not a number from 1 to 65535.";
            }
        }

        bool valid = host.StartsWith("[", StringComparison.Ordinal) && host.EndsWith("]", StringComparison.Ordinal)
            ? IPAddress.TryParse(host.Substring(1, host.Length - 2), out IPAddress? address) && address.AddressFamily == AddressFamily.InterNetworkV6
            : host.Length <= 253 && HostName.IsMatch(host);
        return valid ? null : $"'{host}' is not a host name: write HOST or HOST:PORT, the host of letters, digits, '-' and '.'.";
    }

    /// <summary>Whether the text is a repository as registries accept it: lowercase path components separated by '/'.</summary>
    public static bool IsRepository(string repository) => repository.Length <= 255 && RepositoryName.IsMatch(repository);

    // The grammar of github.com/distribution/reference, which docker and the SDK follow.
    private static readonly Regex HostName = new(@"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\z", RegexOptions.CultureInvariant);
    private static readonly Regex RepositoryName = new(@"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*\z", RegexOptions.CultureInvariant);

    private static bool IsDigits(string text)
    {
        foreach (char c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the text is a <c>sha256:</c> digest of 64 lowercase hex characters.</summary>
    public static bool IsDigest(string? text)
    {
        if (text is null || text.Length != 71 || !text.StartsWith("sha256:", StringComparison.Ordinal))
        {
            return false;
        }

        for (int i = 7; i < text.Length; i++)
        {
            char c = text[i];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
