namespace SignalRChannels.ScaleOutTests;

/// <summary>
/// The .NET client through a real nginx, round robin without affinity, in front of three nodes sharing a Redis:
/// every feature works whichever node each client lands on, and a reconnect that lands elsewhere loses nothing.
/// Runs on a single Redis server (<see cref="LoadBalancerTests"/>) and on a Redis Cluster
/// (<see cref="RedisClusterLoadBalancerTests"/>): SignalR's backplane, presence and history on either.
/// </summary>
public abstract class LoadBalancerTestsBase(BalancedCluster cluster) : IAsyncLifetime
{
    private readonly List<ChannelsClient> _clients = [];

    [Fact]
    public async Task WebSocketClients_WithoutNegotiation_AreSpreadOverEveryNode()
    {
        var nodes = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var client = Client();
            await client.StartAsync().DefaultTimeout();
            nodes.Add(await client.NodeAsync().DefaultTimeout());
        }

        Assert.Equal(["a", "b", "c"], nodes.Order());
    }

    [Fact]
    public async Task Publish_OnOneNode_ReachesSubscribersOnEveryNode()
    {
        var name = "news." + Guid.NewGuid().ToString("N");
        var (clients, received) = await ThreeSubscribersAsync(name);

        await clients[0].InvokeAsync("Publish", [name, "headline", new Numbered(42)]).DefaultTimeout();

        foreach (var recorder in received)
        {
            await recorder.WaitForCountAsync(1);
            Assert.Equal([new Numbered(42)], recorder.Items);
        }
    }

    [Fact]
    public async Task Presence_ThroughTheBalancer_ListsMembersOfEveryNode_AndCrossesJoinsAndLeaves()
    {
        var room = "room." + Guid.NewGuid().ToString("N");
        var ada = Client("ada");
        await ada.StartAsync().DefaultTimeout();
        var adaRoom = ada.Presence(room);
        var joined = new Recorder<string>();
        var left = new Recorder<(string Id, string Reason)>();
        adaRoom.MemberJoined += (_, e) => joined.Add(e.Member.Id);
        adaRoom.MemberLeft += (_, e) => left.Add((e.Member.Id, e.Reason.ToString()));
        await adaRoom.WhenSubscribedAsync().DefaultTimeout();

        var bob = Client("bob");
        var cy = Client("cy");
        await Task.WhenAll(bob.StartAsync(), cy.StartAsync()).DefaultTimeout();
        var bobRoom = bob.Presence(room);
        var cyRoom = cy.Presence(room);
        await Task.WhenAll(bobRoom.WhenSubscribedAsync(), cyRoom.WhenSubscribedAsync()).DefaultTimeout();
        Assert.Equal(3, new[] { await ada.NodeAsync(), await bob.NodeAsync(), await cy.NodeAsync() }.Distinct().Count());

        await joined.WaitForCountAsync(2);
        Assert.Equal(["bob", "cy"], joined.Items.Order());
        Assert.Equal(["ada", "bob", "cy"], (await cyRoom.GetMembersAsync().DefaultTimeout()).Select(m => m.Id).Order());

        await bob.StopAsync().DefaultTimeout();
        await left.WaitForCountAsync(1);
        Assert.Equal("bob", Assert.Single(left.Items).Id);
    }

    [Fact]
    public async Task Whisper_ReachesAMemberOnAnotherNode_WithTheServerStampedSender()
    {
        var room = "room." + Guid.NewGuid().ToString("N");
        var ada = Client("ada");
        var bob = Client("bob");
        var adaRoom = ada.Presence(room);
        var heard = new Recorder<(Numbered Data, string? From)>();
        bob.Presence(room).OnWhisper<Numbered>("typing", (data, from) => heard.Add((data, from)));
        await ada.StartAsync().DefaultTimeout();
        await bob.StartAsync().DefaultTimeout();
        await Task.WhenAll(adaRoom.WhenSubscribedAsync(), bob.Presence(room).WhenSubscribedAsync()).DefaultTimeout();
        Assert.NotEqual(await ada.NodeAsync(), await bob.NodeAsync());

        await adaRoom.WhisperAsync("typing", new Numbered(1)).DefaultTimeout();

        await heard.WaitForCountAsync(1);
        Assert.Equal((new Numbered(1), "ada"), Assert.Single(heard.Items));
    }

    [Fact]
    public async Task Reconnect_ThatLandsOnAnotherNode_RecoversEveryMissedEventInOrder()
    {
        var name = "history." + Guid.NewGuid().ToString("N");
        var client = Client();
        var channel = client.Channel(name);
        var received = new Recorder<long>();
        var gaps = new Recorder<GapDetectedEventArgs>();
        channel.On<Numbered>("tick", (_, e) =>
        {
            received.Add(e.Offset!.Value);
            return Task.CompletedTask;
        });
        channel.GapDetected += (_, e) => gaps.Add(e);
        await client.StartAsync().DefaultTimeout();
        await channel.WhenSubscribedAsync().DefaultTimeout();
        var before = await client.NodeAsync().DefaultTimeout();
        using var http = new HttpClient();
        await cluster.Nodes[0].PublishManyAsync(http, name, "tick", 3).DefaultTimeout();
        await received.WaitForCountAsync(3);

        await client.StopAsync().DefaultTimeout();
        await cluster.Nodes[1].PublishManyAsync(http, name, "tick", 5, start: 4).DefaultTimeout();
        await client.StartAsync().DefaultTimeout();

        Assert.NotEqual(before, await client.NodeAsync().DefaultTimeout());
        await received.WaitForCountAsync(8);
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7, 8], received.Items);
        Assert.Empty(gaps.Items);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }
    }

    private ChannelsClient Client(string? user = null)
    {
        var client = TestClients.Create(cluster.Nginx.HubUrl, user);
        _clients.Add(client);
        return client;
    }

    private async Task<(ChannelsClient[] Clients, Recorder<Numbered>[] Received)> ThreeSubscribersAsync(string name)
    {
        var clients = new ChannelsClient[3];
        var received = new Recorder<Numbered>[3];
        for (var i = 0; i < 3; i++)
        {
            clients[i] = Client();
            received[i] = new Recorder<Numbered>();
            clients[i].Channel(name).On<Numbered>("headline", received[i].Add);
            await clients[i].StartAsync().DefaultTimeout();
            await clients[i].Channel(name).WhenSubscribedAsync().DefaultTimeout();
        }

        Assert.Equal(3, (await Task.WhenAll(clients.Select(c => c.NodeAsync()))).Distinct().Count());
        return (clients, received);
    }
}
