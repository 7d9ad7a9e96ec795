using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using System.Web;

namespace ContainerCache.TestRegistry;

/// <summary>What a registry needs to trust a token server: distribution's <c>auth: token</c> settings.</summary>
/// <param name="RootCertBundle">A PEM file with the certificate whose key signs the tokens.</param>
public sealed record TokenAuthOptions(string Realm, string Service, string Issuer, string RootCertBundle);

/// <summary>
/// An in-process Docker token server with its realm at http://127.0.0.1:PORT/token. It hands out RS256 JWTs, with the
/// signing certificate in their <c>x5c</c> header, for one user name and password (GET with Basic credentials, or an
/// OAuth2 POST with grant_type=password), for a fixed identity token (POST with grant_type=refresh_token), and
/// optionally pull-only tokens to anonymous clients.
/// </summary>
public sealed class TokenServer : IDisposable
{
    public const string DefaultService = "containercache-test";
    public const string Issuer = "containercache-test-token-issuer";
    private const int ExpiresInSeconds = 300;

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly RSA _key;
    private readonly string _certificate;
    private readonly string _userName;
    private readonly string _password;
    private readonly bool _allowAnonymousPull;
    private readonly LoopbackHttpServer _server;
    private int _requestCount;

    private TokenServer(RSA key, X509Certificate2 certificate, string bundlePath, string userName, string password,
        bool allowAnonymousPull, string identityToken, string service)
    {
        _key = key;
        _certificate = Convert.ToBase64String(certificate.RawData);
        _userName = userName;
        _password = password;
        _allowAnonymousPull = allowAnonymousPull;
        IdentityToken = identityToken;
        _server = new LoopbackHttpServer(HandleAsync);
        Options = new TokenAuthOptions($"http://127.0.0.1:{_server.Port}/token", service, Issuer, bundlePath);
    }

    /// <summary>Pass to <see cref="LocalRegistry.StartAsync"/> to make the registry trust this server's tokens.</summary>
    public TokenAuthOptions Options { get; }

    public string Realm => Options.Realm;

    /// <summary>The refresh token (Docker "identity token") that a grant_type=refresh_token POST must present.</summary>
    public string IdentityToken { get; }

    /// <summary>How many requests reached the realm, granted or not.</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    /// <summary>Starts the server and writes its signing certificate to token-root.pem in <paramref name="workDirectory"/>.</summary>
    public static TokenServer Start(
        string workDirectory,
        string userName,
        string password,
        bool allowAnonymousPull = false,
        string identityToken = "containercache-identity-token",
        string service = DefaultService)
    {
        Directory.CreateDirectory(workDirectory);
        var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + Issuer, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        string bundlePath = Path.GetFullPath(Path.Combine(workDirectory, "token-root.pem"));
        File.WriteAllText(bundlePath, certificate.ExportCertificatePem() + "\n");
        return new TokenServer(key, certificate, bundlePath, userName, password, allowAnonymousPull, identityToken, service);
    }

    /// <summary>
    /// Signs a token for <paramref name="subject"/> that grants exactly the given scopes,
    /// such as "repository:base:pull,push".
    /// </summary>
    public string CreateToken(string subject, IEnumerable<string> scopes, TimeSpan? lifetime = null)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var access = new JsonArray();
        foreach (string scope in scopes)
        {
            (string type, string name, string[] actions) = ParseScope(scope);
            access.Add(new JsonObject { ["type"] = type, ["name"] = name, ["actions"] = new JsonArray(actions.Select(a => JsonValue.Create(a)).ToArray()) });
        }

        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "RS256", ["x5c"] = new JsonArray(_certificate) };
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = subject,
            ["aud"] = Options.Service,
            ["exp"] = (now + (lifetime ?? TimeSpan.FromSeconds(ExpiresInSeconds))).ToUnixTimeSeconds(),
            ["nbf"] = now.AddSeconds(-30).ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = access,
        };
        string signed = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString(JsonOptions))) + "." +
            Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString(JsonOptions)));
        byte[] signature = _key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signed + "." + Base64Url.EncodeToString(signature);
    }

    public void Dispose()
    {
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _key.Dispose();
    }

    private static (string Type, string Name, string[] Actions) ParseScope(string scope)
    {
        int first = scope.IndexOf(':', StringComparison.Ordinal);
        int last = scope.LastIndexOf(':');
        if (first <= 0 || last <= first)
        {
            throw new FormatException($"Malformed scope \"{scope}\"; expected type:name:actions.");
        }

        return (scope[..first], scope[(first + 1)..last], scope[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries));
    }

    private async Task HandleAsync(HttpRequestReader request, Stream network, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requestCount);
        (int status, JsonObject body) = await AnswerAsync(request, cancellationToken).ConfigureAwait(false);
        (string, string)[] challenge = status == 401 ? [("WWW-Authenticate", $"Basic realm=\"{Issuer}\"")] : [];
        await LoopbackHttpServer.WriteResponseAsync(network, request.Method == "HEAD", status, status == 200 ? "OK" : "Refused", "application/json",
            Encoding.UTF8.GetBytes(body.ToJsonString(JsonOptions)), challenge, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(int Status, JsonObject Body)> AnswerAsync(HttpRequestReader request, CancellationToken cancellationToken)
    {
        try
        {
            switch (request.Method)
            {
                case "GET":
                    int query = request.Target.IndexOf('?', StringComparison.Ordinal);
                    var parameters = HttpUtility.ParseQueryString(query < 0 ? "" : request.Target[(query + 1)..]);
                    return Grant(parameters, BasicCredentials(request.Header("Authorization")), passwordGrant: false);
                case "POST":
                    using (var reader = new StreamReader(request, Encoding.UTF8, leaveOpen: true))
                    {
                        string form = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                        return Grant(HttpUtility.ParseQueryString(form), null, passwordGrant: true);
                    }

                default:
                    return (405, Error("UNSUPPORTED", "Use GET or POST."));
            }
        }
        catch (FormatException e)
        {
            return (400, Error("UNSUPPORTED", e.Message));
        }
    }

    // GET: Basic credentials, repeated scope parameters. POST: OAuth2 form with grant_type, space-separated scope.
    private (int Status, JsonObject Body) Grant(NameValueCollection parameters, (string User, string Password)? basic, bool passwordGrant)
    {
        string[] scopes = (parameters.GetValues("scope") ?? []).SelectMany(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        string? subject;
        bool offline;
        if (passwordGrant)
        {
            offline = parameters["access_type"] == "offline";
            subject = parameters["grant_type"] switch
            {
                "password" => parameters["username"] == _userName && parameters["password"] == _password ? _userName : null,
                "refresh_token" => parameters["refresh_token"] == IdentityToken ? _userName : null,
                _ => throw new FormatException($"Unsupported grant_type \"{parameters["grant_type"]}\"."),
            };
        }
        else
        {
            offline = parameters["offline_token"] == "true";
            subject = basic is null ? "" : basic == (_userName, _password) ? _userName : null;
        }

        if (subject is null || (subject.Length == 0 && !_allowAnonymousPull))
        {
            return (401, Error("UNAUTHORIZED", "authentication required"));
        }

        // Anonymous clients get pull access to repositories and nothing else.
        IEnumerable<string> granted = subject.Length > 0
            ? scopes
            : scopes.Select(ParseScope)
                .Where(s => s.Type == "repository" && s.Actions.Contains("pull"))
                .Select(s => $"{s.Type}:{s.Name}:pull");
        string token = CreateToken(subject, granted);
        var body = new JsonObject
        {
            ["token"] = token,
            ["access_token"] = token,
            ["expires_in"] = ExpiresInSeconds,
            ["issued_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        };
        if (offline && subject.Length > 0)
        {
            body["refresh_token"] = IdentityToken;
        }

        return (200, body);
    }

    private static (string User, string Password)? BasicCredentials(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
        int colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (decoded, "") : (decoded[..colon], decoded[(colon + 1)..]);
    }

    private static JsonObject Error(string code, string message) =>
        new() { ["errors"] = new JsonArray(new JsonObject { ["code"] = code, ["message"] = message }) };
}
