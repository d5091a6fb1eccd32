using System.Net;
using Microsoft.AspNetCore.Http.Connections;

namespace SignalRChannels.ScaleOutTests;

/// <summary>
/// Negotiated transports (long polling, server-sent events, WebSockets with negotiation) make several requests per
/// connection, and every one must reach the node that negotiated it: they need affinity (<c>ip_hash</c> here). Without
/// it, nginx's round robin sends the request after the negotiation to the other node, which does not know the connection.
/// </summary>
public sealed class StickySessionTests : IAsyncLifetime
{
    private readonly List<ServerNode> _nodes = [];
    private readonly List<ChannelsClient> _clients = [];

    [Theory]
    [InlineData(HttpTransportType.LongPolling)]
    [InlineData(HttpTransportType.ServerSentEvents)]
    public async Task NegotiatedTransport_BehindIpHash_PublishesAndReceives(HttpTransportType transport)
    {
        await using var nginx = await Nginx.StartAsync(_nodes, new NginxOptions { IpHash = true });
        var name = "news." + Guid.NewGuid().ToString("N");
        var client = Client(nginx, transport);
        var received = new Recorder<Numbered>();
        client.Channel(name).On<Numbered>("headline", received.Add);
        await client.StartAsync().DefaultTimeout();
        await client.Channel(name).WhenSubscribedAsync().DefaultTimeout();

        await client.InvokeAsync("Publish", [name, "headline", new Numbered(7)]).DefaultTimeout();

        await received.WaitForCountAsync(1);
        Assert.Equal([new Numbered(7)], received.Items);
    }

    [Theory]
    [InlineData(HttpTransportType.LongPolling)]
    [InlineData(HttpTransportType.ServerSentEvents)]
    public async Task NegotiatedTransport_BehindRoundRobin_FailsToStart_ForTheOtherNodeDoesNotKnowTheConnection(HttpTransportType transport)
    {
        // One worker, one client: the negotiation goes to one node and the next request, in turn, to the other.
        await using var nginx = await Nginx.StartAsync(_nodes);
        var client = Client(nginx, transport);

        var error = await Assert.ThrowsAsync<AggregateException>(() => client.StartAsync()).DefaultTimeout();

        var failed = Assert.Single(error.InnerExceptions, e => e.InnerException is HttpRequestException);
        Assert.Equal(HttpStatusCode.NotFound, ((HttpRequestException)failed.InnerException!).StatusCode);
    }

    public async Task InitializeAsync()
    {
        var redis = await TestRedis.GetConfigurationAsync();
        var prefix = TestRedis.NewPrefix("scaleout-sticky");
        _nodes.AddRange(await Task.WhenAll(
            new[] { "a", "b" }.Select(name => ServerNode.StartAsync(name, new ServerNodeOptions { Redis = redis, Prefix = prefix }))));
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    private ChannelsClient Client(Nginx nginx, HttpTransportType transport)
    {
        var client = TestClients.Create(nginx.HubUrl, transports: transport);
        _clients.Add(client);
        return client;
    }
}
