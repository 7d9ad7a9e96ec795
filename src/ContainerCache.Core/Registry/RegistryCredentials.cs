namespace ContainerCache.Registry;

/// <summary>
/// Credentials for one registry: a user name and password, or an identity (refresh) token.
/// <see cref="ToString"/> never shows the secret.
/// </summary>
internal sealed class RegistryCredentials
{
    public RegistryCredentials(string username, string password, string? identityToken = null)
    {
        Username = username;
        Password = password;
        IdentityToken = identityToken;
    }

    public string Username { get; }
    public string Password { get; }
    public string? IdentityToken { get; }

    /// <summary>Where they came from, for messages: never the secret itself.</summary>
    public string Source { get; internal set; } = "";

    public override string ToString() => $"credentials of '{Username}' from {Source}";
}

/// <summary>What a registry is used for. The SDK reads different credential variables for each.</summary>
internal enum RegistryUse
{
    /// <summary>The base image's registry: DOTNET_CONTAINER_PULL_REGISTRY_UNAME/PWORD.</summary>
    Pull,

    /// <summary>The base image's registry when it is also the output registry: the pull variables, then the push ones.</summary>
    PullFromOutput,

    /// <summary>The registry images are pushed to: DOTNET_CONTAINER_PUSH_REGISTRY_*, DOTNET_CONTAINER_REGISTRY_*, SDK_CONTAINER_REGISTRY_*.</summary>
    Push,
}
