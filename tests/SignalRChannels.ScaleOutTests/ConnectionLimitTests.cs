using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Connections;

namespace SignalRChannels.ScaleOutTests;

/// <summary>
/// <c>AddConnectionLimit</c>: a node holding its limit refuses new connections with HTTP 429 before the WebSocket
/// upgrade (and at negotiation), keeps the ones it has, admits again when one closes; nginx
/// (<c>proxy_next_upstream http_429</c>) then sends new connections to a node with room.
/// </summary>
public sealed class ConnectionLimitTests : IAsyncLifetime
{
    private readonly List<ChannelsClient> _clients = [];
    private readonly List<ServerNode> _nodes = [];

    [Fact]
    public async Task NodeAtItsLimit_RefusesANewWebSocketWith429BeforeTheUpgrade_AndKeepsItsConnections()
    {
        var node = await NodeAsync("a", maxConnections: 2);
        var held = new[] { Client(node.HubUrl), Client(node.HubUrl) };
        foreach (var client in held)
        {
            await client.StartAsync().DefaultTimeout();
        }

        using var socket = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } };
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(WebSocketUri(node), CancellationToken.None)).DefaultTimeout();
        Assert.Equal(HttpStatusCode.TooManyRequests, socket.HttpStatusCode);
        Assert.Equal(["5"], socket.HttpResponseHeaders!["Retry-After"]);

        using var http = new HttpClient();
        using var negotiate = await http.PostAsync(new Uri(node.BaseAddress, "/hubs/test/negotiate?negotiateVersion=1"), content: null).DefaultTimeout();
        Assert.Equal(HttpStatusCode.TooManyRequests, negotiate.StatusCode);
        Assert.StartsWith("limit_exceeded: ", await negotiate.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var refused = Client(node.HubUrl);
        var error = await Assert.ThrowsAsync<WebSocketException>(() => refused.StartAsync()).DefaultTimeout();
        Assert.Contains("429", error.Message, StringComparison.Ordinal);
        Assert.All(held, c => Assert.Equal(ConnectionState.Connected, c.State));
        Assert.Equal("a", await held[0].NodeAsync().DefaultTimeout());
    }

    [Fact]
    public async Task ClosedConnection_FreesItsSlot()
    {
        var node = await NodeAsync("a", maxConnections: 1);
        var first = Client(node.HubUrl);
        await first.StartAsync().DefaultTimeout();
        await Assert.ThrowsAsync<WebSocketException>(() => Client(node.HubUrl).StartAsync()).DefaultTimeout();

        await first.StopAsync().DefaultTimeout();

        // The node frees the slot when the closed connection's request ends, just after the client saw it close.
        var next = Client(node.HubUrl);
        await Poll.UntilAsync(async () =>
        {
            try
            {
                await next.StartAsync();
                return true;
            }
            catch (WebSocketException)
            {
                return false;
            }
        }, "a new connection is admitted");
        Assert.Equal(ConnectionState.Connected, next.State);
    }

    [Fact]
    public async Task LongPollingConnections_CountTowardTheLimit()
    {
        var node = await NodeAsync("a", maxConnections: 1);
        var polling = Client(node.HubUrl, HttpTransportType.LongPolling);
        await polling.StartAsync().DefaultTimeout();
        // An invocation is answered only after the hub's OnConnectedAsync, where long polling is counted.
        Assert.Equal("a", await polling.NodeAsync().DefaultTimeout());

        var error = await Assert.ThrowsAsync<WebSocketException>(() => Client(node.HubUrl).StartAsync()).DefaultTimeout();

        Assert.Contains("429", error.Message, StringComparison.Ordinal);
        Assert.Equal(ConnectionState.Connected, polling.State);
    }

    [Fact]
    public async Task BehindNginx_AFullNode_IsPassedOver_ForANodeWithRoom()
    {
        var redis = await TestRedis.GetConfigurationAsync();
        var prefix = TestRedis.NewPrefix("scaleout-limit");
        var full = await NodeAsync("a", maxConnections: 1, redis, prefix);
        var roomy = await NodeAsync("b", maxConnections: null, redis, prefix);
        await using var nginx = await Nginx.StartAsync([full, roomy]);

        var nodes = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var client = Client(nginx.HubUrl);
            await client.StartAsync().DefaultTimeout();
            nodes.Add(await client.NodeAsync().DefaultTimeout());
        }

        Assert.Equal(["a", "b", "b", "b"], nodes.Order());
    }

    public Task InitializeAsync() => Task.CompletedTask;

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

    private static Uri WebSocketUri(ServerNode node) => new UriBuilder(node.HubUrl) { Scheme = "ws" }.Uri;

    private async Task<ServerNode> NodeAsync(string name, int? maxConnections, string? redis = null, string? prefix = null)
    {
        var node = await ServerNode.StartAsync(name, new ServerNodeOptions { MaxConnections = maxConnections, Redis = redis, Prefix = prefix });
        _nodes.Add(node);
        return node;
    }

    private ChannelsClient Client(Uri hubUrl, HttpTransportType transports = HttpTransportType.WebSockets)
    {
        var client = TestClients.Create(hubUrl, transports: transports);
        _clients.Add(client);
        return client;
    }
}
