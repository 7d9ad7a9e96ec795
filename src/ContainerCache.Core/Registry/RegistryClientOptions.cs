using System;
using System.Net.Http;

namespace ContainerCache.Registry;

/// <summary>How a <see cref="RegistryClient"/> behaves; defaults match the SDK's environment.</summary>
internal sealed class RegistryClientOptions
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The bound on each request, from sending it to the last byte of its answer. A token request and
    /// the retry after an authentication challenge are requests of their own, each with this bound.
    /// </summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>What the registry is used for, which decides the SDK environment variables that give credentials.</summary>
    public RegistryUse Use { get; set; } = RegistryUse.Pull;

    public Func<string, string?> Environment { get; set; } = System.Environment.GetEnvironmentVariable;

    public CredentialStore Credentials { get; set; } = new CredentialStore();

    /// <summary>Manifests and blobs already read by digest in this build, to share between clients; none when null.</summary>
    public RegistryContentCache? Cache { get; set; }

    /// <summary>
    /// The file that remembers the insecure registries that answered in plain HTTP (obj/; see
    /// <see cref="PlainHttpRegistries"/>); none when empty: then HTTPS is tried first in every process.
    /// </summary>
    public string PlainHttpFile { get; set; } = "";

    /// <summary>For tests: the HTTP handler to send through (then the client has a connection and a scheme of its own).</summary>
    public HttpMessageHandler? Handler { get; set; }
}
