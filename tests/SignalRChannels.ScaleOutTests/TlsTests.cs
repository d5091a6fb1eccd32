using System.Security.Authentication;

namespace SignalRChannels.ScaleOutTests;

/// <summary>
/// TLS with a CA each test run makes: Kestrel serving https/wss itself; and end to end, nginx terminating TLS in front
/// of plain-HTTP nodes whose Redis speaks TLS only. Clients validate certificates as always and trust the test CA
/// only where a test says so; nothing accepts any certificate.
/// </summary>
public sealed class TlsTests : IAsyncLifetime
{
    private readonly TestCertificates _certificates = TestCertificates.Create();
    private readonly List<ChannelsClient> _clients = [];
    private readonly List<IAsyncDisposable> _processes = [];

    [Fact]
    public async Task Kestrel_ServesWss_ToAClientThatTrustsTheTestCa()
    {
        var node = await StartAsync(ServerNode.StartAsync("a", new ServerNodeOptions { Https = _certificates }));
        Assert.Equal("https", node.BaseAddress.Scheme);
        var name = "news." + Guid.NewGuid().ToString("N");
        var client = Client(node.HubUrl, trust: _certificates);
        var received = new Recorder<Numbered>();
        client.Channel(name).On<Numbered>("headline", received.Add);
        await client.StartAsync().DefaultTimeout();
        await client.Channel(name).WhenSubscribedAsync().DefaultTimeout();

        await client.InvokeAsync("Publish", [name, "headline", new Numbered(1)]).DefaultTimeout();

        await received.WaitForCountAsync(1);
        Assert.Equal([new Numbered(1)], received.Items);
    }

    [Fact]
    public async Task Kestrel_Https_ClientThatDoesNotTrustTheTestCa_RefusesTheCertificate()
    {
        var node = await StartAsync(ServerNode.StartAsync("a", new ServerNodeOptions { Https = _certificates }));
        var client = Client(node.HubUrl, trust: null);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.StartAsync()).DefaultTimeout();

        Assert.Contains(Flatten(error), e => e is AuthenticationException);
    }

    [Fact]
    public async Task EndToEnd_NginxTerminatesTls_InFrontOfNodesOnATlsRedis_PublishPresenceWhisperAndRecoveryWork()
    {
        var redis = await StartAsync(TlsRedis.StartAsync(_certificates));
        var prefix = TestRedis.NewPrefix("scaleout-tls");
        var nodeOptions = new ServerNodeOptions { Redis = redis.Configuration, RedisAuthorityFile = _certificates.AuthorityFile, Prefix = prefix };
        var nodes = await Task.WhenAll(ServerNode.StartAsync("a", nodeOptions), ServerNode.StartAsync("b", nodeOptions));
        _processes.AddRange(nodes);
        var nginx = await StartAsync(Nginx.StartAsync(nodes, new NginxOptions { Tls = _certificates }));
        Assert.Equal("https", nginx.BaseAddress.Scheme);

        var room = "room." + Guid.NewGuid().ToString("N");
        var ada = Client(nginx.HubUrl, "ada", _certificates);
        var bob = Client(nginx.HubUrl, "bob", _certificates);
        var adaRoom = ada.Presence(room);
        var joined = new Recorder<string>();
        var heard = new Recorder<(Numbered Data, string? From)>();
        var events = new Recorder<long>();
        var gaps = new Recorder<GapDetectedEventArgs>();
        adaRoom.MemberJoined += (_, e) => joined.Add(e.Member.Id);
        adaRoom.OnWhisper<Numbered>("typing", (data, from) => heard.Add((data, from)));
        var history = ada.Channel("history." + Guid.NewGuid().ToString("N"));
        history.On<Numbered>("tick", (_, e) =>
        {
            events.Add(e.Offset!.Value);
            return Task.CompletedTask;
        });
        history.GapDetected += (_, e) => gaps.Add(e);
        await ada.StartAsync().DefaultTimeout();
        await Task.WhenAll(adaRoom.WhenSubscribedAsync(), history.WhenSubscribedAsync()).DefaultTimeout();
        await bob.StartAsync().DefaultTimeout();
        var bobRoom = bob.Presence(room);
        await bobRoom.WhenSubscribedAsync().DefaultTimeout();
        Assert.NotEqual(await ada.NodeAsync(), await bob.NodeAsync());

        // Presence and whispers cross the nodes through the TLS Redis.
        await joined.WaitForCountAsync(1);
        Assert.Equal(["ada", "bob"], (await bobRoom.GetMembersAsync().DefaultTimeout()).Select(m => m.Id).Order());
        await bobRoom.WhisperAsync("typing", new Numbered(5)).DefaultTimeout();
        await heard.WaitForCountAsync(1);
        Assert.Equal((new Numbered(5), "bob"), Assert.Single(heard.Items));

        // History in the TLS Redis: events missed while away are recovered on whichever node the reconnect reaches.
        using var http = new HttpClient();
        await nodes[1].PublishManyAsync(http, history.Name, "tick", 2).DefaultTimeout();
        await events.WaitForCountAsync(2);
        await ada.StopAsync().DefaultTimeout();
        await nodes[0].PublishManyAsync(http, history.Name, "tick", 3, start: 3).DefaultTimeout();
        await ada.StartAsync().DefaultTimeout();
        await events.WaitForCountAsync(5);
        Assert.Equal([1L, 2, 3, 4, 5], events.Items);
        Assert.Empty(gaps.Items);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            await _processes[i].DisposeAsync();
        }

        _certificates.Dispose();
    }

    private static IEnumerable<Exception> Flatten(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }

    private async Task<T> StartAsync<T>(Task<T> starting)
        where T : IAsyncDisposable
    {
        var started = await starting;
        _processes.Add(started);
        return started;
    }

    private ChannelsClient Client(Uri hubUrl, string? user = null, TestCertificates? trust = null)
    {
        var client = TestClients.Create(hubUrl, user, trust);
        _clients.Add(client);
        return client;
    }
}
