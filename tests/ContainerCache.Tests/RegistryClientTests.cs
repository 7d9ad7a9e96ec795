using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ContainerCache.Registry;

namespace ContainerCache.Tests;

[TestClass]
public sealed class RegistryClientTests
{
    private const string Secret = "s3cr3t-Pa55";
    private static readonly byte[] ManifestBytes = Encoding.UTF8.GetBytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"digest":"sha256:00"}}""");

    [TestMethod]
    public async Task Manifest_AnonymousAnswer_AsksForEveryManifestType_AndChecksItsDigest()
    {
        var handler = new FakeHandler(request => Ok(ManifestBytes, RegistryClient.Sha256Digest(ManifestBytes)));
        using var client = Client("r.example", handler);

        Manifest? manifest = await client.GetManifestAsync("app", "1");

        Assert.IsNotNull(manifest);
        Assert.AreEqual(RegistryClient.Sha256Digest(ManifestBytes), manifest.Digest);
        Assert.AreEqual(MediaTypes.OciManifest, manifest.MediaType);
        HttpRequestMessage sent = handler.Requests.Single();
        Assert.AreEqual("https://r.example/v2/app/manifests/1", sent.RequestUri!.ToString());
        CollectionAssert.IsSubsetOf(MediaTypes.All, sent.Headers.Accept.Select(a => a.MediaType).ToArray());
    }

    [TestMethod]
    public async Task Manifest_NotFound_IsNull()
    {
        using var client = Client("r.example", new FakeHandler(_ => new HttpResponseMessage(HttpStatusCode.NotFound)));
        Assert.IsNull(await client.GetManifestAsync("app", "missing"));
    }

    [TestMethod]
    public async Task Manifest_WhoseBytesDoNotMatchTheServedDigest_IsRefused()
    {
        using var client = Client("r.example", new FakeHandler(_ => Ok(ManifestBytes, "sha256:" + new string('0', 64))));
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync("app", "1"));
        StringAssert.Contains(e.Message, "do not match");
    }

    [TestMethod]
    public async Task Manifest_ThatIsNotJson_IsRefused()
    {
        byte[] garbage = Encoding.UTF8.GetBytes("<html>gateway</html>");
        using var client = Client("r.example", new FakeHandler(_ => Ok(garbage, null)));
        await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync("app", "1"));
    }

    [TestMethod]
    public async Task BearerChallenge_GetsATokenWithBasicCredentials_ForTheScopeAsked_AndRetries()
    {
        var handler = new FakeHandler(request =>
        {
            if (request.RequestUri!.Host == "auth.example")
            {
                return Json("""{"token":"T0KEN","expires_in":300}""");
            }

            return request.Headers.Authorization?.ToString() == "Bearer T0KEN"
                ? Ok(ManifestBytes, null)
                : Challenge("Bearer realm=\"https://auth.example/token\",service=\"r.example\",scope=\"repository:app:pull\"");
        });
        using var client = Client("r.example", handler, Environment(("DOTNET_CONTAINER_PULL_REGISTRY_UNAME", "me"), ("DOTNET_CONTAINER_PULL_REGISTRY_PWORD", Secret)));

        Assert.IsNotNull(await client.GetManifestAsync("app", "1"));

        HttpRequestMessage tokenRequest = handler.Requests[1];
        StringAssert.StartsWith(tokenRequest.RequestUri!.ToString(), "https://auth.example/token?");
        StringAssert.Contains(tokenRequest.RequestUri.Query, "scope=repository%3Aapp%3Apull");
        StringAssert.Contains(tokenRequest.RequestUri.Query, "service=r.example");
        Assert.AreEqual("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("me:" + Secret)), tokenRequest.Headers.Authorization!.ToString());
        Assert.AreEqual(3, handler.Requests.Count);
    }

    [TestMethod]
    public async Task BearerToken_SharedByTheBuildsClients_WithTheSameCredentials_Only()
    {
        var handler = new FakeHandler(request =>
            request.RequestUri!.Host == "auth.example" ? Json("""{"token":"T0KEN"}""")
            : request.Headers.Authorization?.ToString() == "Bearer T0KEN" ? Ok(ManifestBytes, null)
            : Challenge("Bearer realm=\"https://auth.example/token\",service=\"r.example\",scope=\"repository:app:pull\""));
        var cache = new RegistryContentCache();
        using var first = Client("r.example", handler, cache: cache);
        using var second = Client("r.example", handler, cache: cache);
        using var pusher = new RegistryClient("r.example", new RegistryClientOptions
        {
            Handler = handler, Cache = cache, Use = RegistryUse.Push, Environment = _ => null, Credentials = new CredentialStore(_ => null),
        });

        await first.GetManifestAsync("app", "1");
        Assert.AreEqual(3, handler.Requests.Count, "A challenge, a token, the request again.");
        await second.GetManifestAsync("app", "1");
        Assert.AreEqual(4, handler.Requests.Count, "Another client of the build with the same credentials sends the token at once.");
        await pusher.GetManifestAsync("app", "1");
        Assert.AreEqual(7, handler.Requests.Count, "A client with other credentials (another use) gets its own.");
    }

    [TestMethod]
    public async Task BearerChallenge_WithAnIdentityToken_PostsARefreshTokenGrant()
    {
        string? form = null;
        var handler = new FakeHandler(request =>
        {
            if (request.RequestUri!.Host == "auth.example")
            {
                Assert.AreEqual(HttpMethod.Post, request.Method);
                form = request.Content!.ReadAsStringAsync().Result;
                return Json("""{"access_token":"AT"}""");
            }

            return request.Headers.Authorization?.ToString() == "Bearer AT" ? Ok(ManifestBytes, null) : Challenge("Bearer realm=\"https://auth.example/token\",service=\"svc\"");
        });
        using var home = new TempDirectory();
        home.Write(".docker/config.json", """{"auths":{"r.example":{"auth":"PHRva2VuPjo=","identitytoken":"REFRESH"}}}""");
        using var client = Client("r.example", handler, Environment(("HOME", home.Path)));

        Assert.IsNotNull(await client.GetManifestAsync("app", "1"));
        StringAssert.Contains(form, "grant_type=refresh_token");
        StringAssert.Contains(form, "refresh_token=REFRESH");
    }

    [TestMethod]
    public async Task BasicChallenge_SendsBasicCredentials()
    {
        var handler = new FakeHandler(request =>
            request.Headers.Authorization?.Scheme == "Basic" ? Ok(ManifestBytes, null) : Challenge("Basic realm=\"registry\""));
        using var client = Client("r.example", handler, Environment(("DOTNET_CONTAINER_PULL_REGISTRY_UNAME", "me"), ("DOTNET_CONTAINER_PULL_REGISTRY_PWORD", Secret)));

        Assert.IsNotNull(await client.GetManifestAsync("app", "1"));
        Assert.AreEqual(2, handler.Requests.Count);
    }

    [TestMethod]
    public async Task Unauthorized_WithWrongCredentials_SaysSoWithoutTheSecret()
    {
        var handler = new FakeHandler(_ => Challenge("Basic realm=\"registry\""));
        using var client = Client("r.example", handler, Environment(("DOTNET_CONTAINER_PULL_REGISTRY_UNAME", "me"), ("DOTNET_CONTAINER_PULL_REGISTRY_PWORD", Secret)));

        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync("app", "1"));
        StringAssert.Contains(e.Message, "401");
        StringAssert.Contains(e.Message, "'me'");
        Assert.IsFalse(e.ToString().Contains(Secret), "No secret in the message.");
    }

    [TestMethod]
    public async Task SlowRegistry_IsBoundedByTheTimeout()
    {
        var handler = new FakeHandler(_ => Ok(ManifestBytes, null)) { Delay = TimeSpan.FromSeconds(30) };
        using var client = new RegistryClient("r.example", new RegistryClientOptions { Handler = handler, Timeout = TimeSpan.FromMilliseconds(200), Environment = _ => null });

        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync("app", "1"));
        StringAssert.Contains(e.Message, "did not answer within");
    }

    [TestMethod]
    [DataRow(false, DisplayName = "headers, then a body that stalls")]
    [DataRow(true, DisplayName = "headers, then a body that trickles, each byte well within the bound")]
    public async Task BodyAfterTheHeaders_IsBoundedByTheTimeout_EvenWhenItsStreamIgnoresCancellation(bool trickle)
    {
        var body = new EndlessBody(trickle ? TimeSpan.FromMilliseconds(250) : null);
        using var client = Client("r.example", new FakeHandler(_ => Streamed(body)), timeout: TimeSpan.FromSeconds(1));

        var stopwatch = Stopwatch.StartNew();
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync("app", "1"));

        Assert.AreEqual("r.example did not answer within 1 s.", e.Message);
        Assert.IsTrue(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"Bounded, took {stopwatch.Elapsed}.");
        await body.Disposed.WaitAsync(TimeSpan.FromSeconds(10)); // and the connection is let go
        Assert.IsTrue(!trickle || body.BytesSent > 1, "The trickle was flowing when the bound cut it off.");
    }

    [TestMethod]
    public async Task TokenServiceThatStallsItsBody_IsBoundedByTheTimeout()
    {
        var body = new EndlessBody(interval: null);
        var handler = new FakeHandler(request =>
            request.RequestUri!.Host == "auth.example" ? Streamed(body) : Challenge("Bearer realm=\"https://auth.example/token\",service=\"r.example\""));
        using var client = Client("r.example", handler, timeout: TimeSpan.FromSeconds(1));

        var stopwatch = Stopwatch.StartNew();
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync("app", "1"));

        Assert.AreEqual("The token service of r.example did not answer within 1 s.", e.Message);
        Assert.IsTrue(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"Bounded, took {stopwatch.Elapsed}.");
        Assert.AreEqual(2, handler.Requests.Count, "The manifest request, then the token request; no retry without a token.");
        await body.Disposed.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// Each way a registry fails the lookup of a key's image is a <see cref="RegistryException"/>, within
    /// the bound, never an answer: the task reports it as CONTAINERCACHE2003 and the SDK builds. The
    /// end-to-end RegistryFaultTests run a few of these kinds through a whole publish (a status, garbage,
    /// a dropped connection, a timeout); the others are shown here, without a publish each.
    /// </summary>
    [TestMethod]
    [DataRow("500")]
    [DataRow("401 without a challenge")]
    [DataRow("403")]
    [DataRow("garbage")]
    [DataRow("dropped connection")]
    [DataRow("slower than the timeout")]
    [DataRow("body stalled after the headers")]
    [DataRow("body trickled, a byte each quarter second")]
    public async Task LookupFault_IsARegistryException_WithinTheBound_NeverAnAnswer(string fault)
    {
        var body = new EndlessBody(fault.Contains("trickled", StringComparison.Ordinal) ? TimeSpan.FromMilliseconds(250) : null);
        Func<HttpRequestMessage, HttpResponseMessage> answer = fault switch
        {
            "500" => _ => new HttpResponseMessage(HttpStatusCode.InternalServerError),
            "401 without a challenge" => _ => new HttpResponseMessage(HttpStatusCode.Unauthorized),
            "403" => _ => new HttpResponseMessage(HttpStatusCode.Forbidden),
            "garbage" => _ => Ok(Encoding.UTF8.GetBytes("\u0001not json"), "sha256:" + new string('0', 64)),
            "dropped connection" => _ => throw new HttpRequestException("The response ended prematurely.", new IOException("connection reset")),
            "slower than the timeout" => _ => Ok(ManifestBytes, null),
            _ => _ => Streamed(body),
        };
        var handler = new FakeHandler(answer) { Delay = fault == "slower than the timeout" ? TimeSpan.FromSeconds(30) : TimeSpan.Zero };
        using var client = Client("r.example", handler, timeout: TimeSpan.FromSeconds(1));

        var stopwatch = Stopwatch.StartNew();
        var e = await Assert.ThrowsExactlyAsync<RegistryException>(() => ImageCache.LookupAsync(client, "app", "key", "key", _ => null));

        Assert.IsTrue(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"{fault}: bounded, took {stopwatch.Elapsed}.");
        StringAssert.StartsWith(e.Message, "r.example", $"{fault}: the message names the registry.");
        if (fault.StartsWith("slower", StringComparison.Ordinal) || fault.StartsWith("body", StringComparison.Ordinal))
        {
            Assert.AreEqual("r.example did not answer within 1 s.", e.Message, fault);
        }
    }

    [TestMethod]
    [DataRow("localhost:5000", null, true)]
    [DataRow("r.example:5000", "other:1;r.example:5000", true)]
    [DataRow("r.example:5000", null, false)]
    public async Task PlainHttp_OnlyForLocalhostAndInsecureRegistries(string registry, string? insecure, bool fallsBack)
    {
        var handler = new FakeHandler(request =>
            request.RequestUri!.Scheme == "https" ? throw new HttpRequestException("The SSL connection could not be established") : Ok(ManifestBytes, null));
        using var client = Client(registry, handler, Environment(("DOTNET_CONTAINER_INSECURE_REGISTRIES", insecure)));

        if (fallsBack)
        {
            Assert.IsNotNull(await client.GetManifestAsync("app", "1"));
            Assert.AreEqual($"http://{registry}/v2/app/manifests/1", handler.Requests.Last().RequestUri!.ToString());
        }
        else
        {
            await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync("app", "1"));
            Assert.IsTrue(handler.Requests.All(r => r.RequestUri!.Scheme == "https"));
        }
    }

    [TestMethod]
    public async Task PlainHttp_LearntOnce_IsRememberedInTheFile_AndTheNextBuildMakesNoHttpsAttempt()
    {
        using var temp = new TempDirectory();
        string file = temp.Combine("container-cache.plain-http");
        var handler = new FakeHandler(request =>
            request.RequestUri!.Scheme == "https" ? throw new HttpRequestException("The SSL connection could not be established") : Ok(ManifestBytes, null));

        using (var learning = Client("localhost:5000", handler, plainHttpFile: file))
        {
            Assert.IsNotNull(await learning.GetManifestAsync("app", "1"));
        }

        CollectionAssert.AreEqual(new[] { "https", "http" }, handler.Requests.Select(r => r.RequestUri!.Scheme).ToArray());
        Assert.IsTrue(PlainHttpRegistries.Remembers(file, "localhost:5000"));

        handler.Requests.Clear();
        using var next = Client("localhost:5000", handler, plainHttpFile: file);
        Assert.IsNotNull(await next.GetManifestAsync("app", "1"));
        Assert.IsNotNull(await next.GetManifestAsync("app", "2"));
        CollectionAssert.AreEqual(
            new[] { "http://localhost:5000/v2/app/manifests/1", "http://localhost:5000/v2/app/manifests/2" },
            handler.Requests.Select(r => r.RequestUri!.ToString()).ToArray(),
            "Plain HTTP from the first request: no TLS attempt.");
    }

    [TestMethod]
    [DataRow("r.example:5000", null)]
    [DataRow("127.0.0.1:5000", null)]
    [DataRow("r.example:5000", "other:5000")]
    public async Task PlainHttp_Remembered_IsNeverUsedForARegistryThatIsNotInsecure(string registry, string? insecure)
    {
        using var temp = new TempDirectory();
        string file = temp.Combine("container-cache.plain-http");
        Assert.IsTrue(PlainHttpRegistries.Remember(file, registry));
        var handler = new FakeHandler(request =>
            request.RequestUri!.Scheme == "https" ? throw new HttpRequestException("The SSL connection could not be established") : Ok(ManifestBytes, null));
        using var client = Client(registry, handler, Environment(("DOTNET_CONTAINER_INSECURE_REGISTRIES", insecure)), plainHttpFile: file);

        await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync("app", "1"));
        Assert.IsTrue(handler.Requests.All(r => r.RequestUri!.Scheme == "https"), "TLS is never weakened for a registry the SDK would not speak plain HTTP to.");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public async Task PlainHttp_RememberedButNowTls_GoesBackToHttpsFirst_AndIsForgotten(bool answers400)
    {
        using var temp = new TempDirectory();
        string file = temp.Combine("container-cache.plain-http");
        Assert.IsTrue(PlainHttpRegistries.Remember(file, "localhost:5000"));
        Assert.IsTrue(PlainHttpRegistries.Remember(file, "localhost:6000"));
        var handler = new FakeHandler(request =>
            request.RequestUri!.Scheme == "https" ? Ok(ManifestBytes, null)
            : answers400 ? new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent("Client sent an HTTP request to an HTTPS server.") }
            : throw new HttpRequestException("Connection reset by peer"));
        using var client = Client("localhost:5000", handler, plainHttpFile: file);

        Assert.IsNotNull(await client.GetManifestAsync("app", "1"));
        Assert.IsNotNull(await client.GetManifestAsync("app", "2"));
        CollectionAssert.AreEqual(
            new[] { "http://localhost:5000/v2/app/manifests/1", "https://localhost:5000/v2/app/manifests/1", "https://localhost:5000/v2/app/manifests/2" },
            handler.Requests.Select(r => r.RequestUri!.ToString()).ToArray());
        Assert.IsFalse(PlainHttpRegistries.Remembers(file, "localhost:5000"));
        Assert.IsTrue(PlainHttpRegistries.Remembers(file, "localhost:6000"), "Only that registry is forgotten.");
    }

    [TestMethod]
    public async Task PlainHttp_RememberedButDown_FailsAsBefore_WithinItsBound()
    {
        using var temp = new TempDirectory();
        string file = temp.Combine("container-cache.plain-http");
        Assert.IsTrue(PlainHttpRegistries.Remember(file, "localhost:5000"));
        var handler = new FakeHandler(_ => throw new HttpRequestException("Connection refused"));
        using var client = Client("localhost:5000", handler, plainHttpFile: file);

        RegistryException e = await Assert.ThrowsExactlyAsync<RegistryException>(() => client.GetManifestAsync("app", "1"));
        StringAssert.Contains(e.Message, "cannot be reached");
        CollectionAssert.AreEqual(new[] { "http", "https", "http" }, handler.Requests.Select(r => r.RequestUri!.Scheme).ToArray(), "The remembered scheme, then the SDK's way: three attempts, each bounded.");
    }

    [TestMethod]
    public async Task PutManifest_SendsTheBytesWithTheirMediaType()
    {
        var handler = new FakeHandler(_ => new HttpResponseMessage(HttpStatusCode.Created));
        using var client = Client("r.example", handler);
        var manifest = new Manifest(ManifestBytes, MediaTypes.OciManifest, RegistryClient.Sha256Digest(ManifestBytes));

        await client.PutManifestAsync("app", "latest", manifest);

        HttpRequestMessage sent = handler.Requests.Single();
        Assert.AreEqual(HttpMethod.Put, sent.Method);
        Assert.AreEqual(MediaTypes.OciManifest, sent.Content!.Headers.ContentType!.MediaType);
        CollectionAssert.AreEqual(ManifestBytes, handler.Bodies.Single());
    }

    [TestMethod]
    public async Task ContentCache_SharedByClients_ReadsADigestOnce_AndForgetsAFailure()
    {
        byte[] config = Encoding.UTF8.GetBytes("{}");
        string configDigest = RegistryClient.Sha256Digest(config);
        string manifestDigest = RegistryClient.Sha256Digest(ManifestBytes);
        bool failBlob = true;
        var handler = new FakeHandler(request =>
            request.RequestUri!.AbsolutePath.Contains("/blobs/", StringComparison.Ordinal)
                ? (failBlob ? new HttpResponseMessage(HttpStatusCode.InternalServerError) : new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(config) })
                : Ok(ManifestBytes, manifestDigest)) { Delay = TimeSpan.FromMilliseconds(50) };
        var cache = new RegistryContentCache();
        using var first = Client("r.example", handler, cache: cache);
        using var second = Client("r.example", handler, cache: cache);

        await first.GetManifestAsync("app", "1");
        Manifest? byDigest = await second.GetManifestAsync("app", manifestDigest);
        Assert.AreEqual(manifestDigest, byDigest!.Digest);
        Assert.AreEqual(1, handler.Requests.Count, "A manifest read by tag is kept under its digest; the tag itself is asked every time.");
        await first.GetManifestAsync("app", "1");
        Assert.AreEqual(2, handler.Requests.Count);

        await Assert.ThrowsExactlyAsync<RegistryException>(() => first.GetBlobAsync("app", configDigest));
        failBlob = false;
        Task<byte[]> reading = first.GetBlobAsync("app", configDigest);
        Task<byte[]> sharing = second.GetBlobAsync("app", configDigest);
        CollectionAssert.AreEqual(config, await reading);
        CollectionAssert.AreEqual(config, await sharing);
        CollectionAssert.AreEqual(config, await second.GetBlobAsync("app", configDigest));
        Assert.AreEqual(4, handler.Requests.Count, "A failed read is asked again; a read under way is shared, and its answer kept.");
        Assert.AreEqual(0, handler.Requests.Count(r => r.RequestUri!.Host != "r.example"));
    }

    [TestMethod]
    public async Task ManifestDigest_IsAHeadRequest_NullWhenTheTagIsMissing()
    {
        string digest = RegistryClient.Sha256Digest(ManifestBytes);
        var handler = new FakeHandler(request =>
        {
            var response = new HttpResponseMessage(request.RequestUri!.AbsolutePath.EndsWith("/latest", StringComparison.Ordinal) ? HttpStatusCode.OK : HttpStatusCode.NotFound);
            response.Headers.Add("Docker-Content-Digest", digest);
            response.Content = new ByteArrayContent([]);
            response.Content.Headers.ContentLength = 1234;
            return response;
        });
        using var client = Client("r.example", handler);

        Assert.AreEqual(digest, await client.GetManifestDigestAsync("app", "latest"));
        Assert.IsNull(await client.GetManifestDigestAsync("app", "other"));
        Assert.IsTrue(handler.Requests.All(r => r.Method == HttpMethod.Head));
        CollectionAssert.IsSubsetOf(MediaTypes.All, handler.Requests[0].Headers.Accept.Select(a => a.MediaType).ToArray(), "Asked as a GET would be, so the digest is the manifest's a GET would get.");
    }

    [TestMethod]
    public void Challenge_ParsesQuotedValuesWithCommas()
    {
        var parameters = RegistryClient.ParseChallenge("realm=\"https://a/token\",service=\"s\",scope=\"repository:x:pull,push\"");
        Assert.AreEqual("https://a/token", parameters["realm"]);
        Assert.AreEqual("repository:x:pull,push", parameters["scope"]);
    }

    private static RegistryClient Client(
        string registry, HttpMessageHandler handler, Func<string, string?>? environment = null, TimeSpan? timeout = null, RegistryContentCache? cache = null, string plainHttpFile = "")
    {
        environment ??= _ => null;
        return new RegistryClient(registry, new RegistryClientOptions
        {
            Handler = handler,
            PlainHttpFile = plainHttpFile,
            Cache = cache,
            Environment = environment,
            Credentials = new CredentialStore(environment),
            Timeout = timeout ?? RegistryClientOptions.DefaultTimeout,
        });
    }

    internal static Func<string, string?> Environment(params (string Name, string? Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    private static HttpResponseMessage Ok(byte[] manifest, string? digest)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(manifest) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OciManifest);
        if (digest is not null)
        {
            response.Headers.Add("Docker-Content-Digest", digest);
        }

        return response;
    }

    /// <summary>An answer whose headers are all sent, and whose body is read as it comes.</summary>
    private static HttpResponseMessage Streamed(Stream body)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return response;
    }

    private static HttpResponseMessage Json(string json) =>
        new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static HttpResponseMessage Challenge(string challenge)
    {
        var response = new HttpResponseMessage(HttpStatusCode.Unauthorized);
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", challenge);
        return response;
    }

    private sealed class FakeHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];
        public List<byte[]> Bodies { get; } = [];
        public TimeSpan Delay { get; init; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            if (request.Content is not null)
            {
                Bodies.Add(await request.Content.ReadAsByteArrayAsync(cancellationToken));
            }

            await Task.Delay(Delay, cancellationToken);
            return answer(request);
        }
    }

    /// <summary>
    /// A body that never ends: nothing at all, or one byte per interval. Like a .NET Framework network
    /// stream, it does not heed a cancellation token; only disposing it breaks off a read.
    /// </summary>
    private sealed class EndlessBody(TimeSpan? interval) : Stream
    {
        private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _bytesSent;

        public Task Disposed => _disposed.Task;
        public int BytesSent => _bytesSent;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.WhenAny(Task.Delay(interval ?? Timeout.InfiniteTimeSpan, CancellationToken.None), _disposed.Task);
            ObjectDisposedException.ThrowIf(_disposed.Task.IsCompleted, this);
            buffer.Span[0] = (byte)' ';
            Interlocked.Increment(ref _bytesSent);
            return 1;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _disposed.TrySetResult();
            base.Dispose(disposing);
        }
    }
}
