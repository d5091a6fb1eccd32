using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace SignalRChannels.ScaleOutTests;

/// <summary>
/// Pusher protocol sockets are connections of the node like any other: they count toward <c>AddConnectionLimit</c>
/// (shared with SignalR connections, refused with HTTP 429 before the upgrade) and a draining node closes them with
/// 4200, the close code that makes pusher-js reconnect at once (through the load balancer, to another node).
/// </summary>
public sealed class PusherAdmissionTests : IAsyncLifetime
{
    private readonly List<ChannelsClient> _clients = [];
    private readonly List<ClientWebSocket> _sockets = [];
    private readonly List<ServerNode> _nodes = [];

    [Fact]
    public async Task PusherSocketsAndSignalRConnections_ShareTheNodesLimit()
    {
        var node = await NodeAsync(new ServerNodeOptions { MaxConnections = 2, Pusher = true });
        var signalR = TestClients.Create(node.HubUrl);
        _clients.Add(signalR);
        await signalR.StartAsync().DefaultTimeout();
        var pusher = await ConnectPusherAsync(node);

        var refused = NewSocket();
        await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(PusherUri(node), CancellationToken.None)).DefaultTimeout();
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.HttpStatusCode);
        var blocked = TestClients.Create(node.HubUrl);
        _clients.Add(blocked);
        var error = await Assert.ThrowsAsync<WebSocketException>(() => blocked.StartAsync()).DefaultTimeout();
        Assert.Contains("429", error.Message, StringComparison.Ordinal);

        // Closing the Pusher socket frees its slot for a SignalR client.
        await pusher.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).DefaultTimeout();
        var next = TestClients.Create(node.HubUrl);
        _clients.Add(next);
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
        }, "a SignalR connection is admitted in the Pusher socket's place (the closed socket's request has ended)");
        Assert.Equal(ConnectionState.Connected, signalR.State);
    }

    [Fact]
    public async Task DrainingNode_ClosesPusherSocketsWith4200_SoPusherJsReconnectsAtOnce()
    {
        var redis = await TestRedis.GetConfigurationAsync();
        var node = await NodeAsync(new ServerNodeOptions { Redis = redis, Prefix = TestRedis.NewPrefix("scaleout-pusher-drain"), GracefulDrain = true, Pusher = true });
        var socket = await ConnectPusherAsync(node);

        var closed = ReceiveUntilClosedAsync(socket);
        await node.TerminateAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((WebSocketCloseStatus)4200, await closed.DefaultTimeout());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    private static Uri PusherUri(ServerNode node) =>
        new UriBuilder(node.BaseAddress) { Scheme = "ws", Path = "/app/test-key", Query = "protocol=7&client=js&version=8.4.0" }.Uri;

    private static async Task<WebSocketCloseStatus?> ReceiveUntilClosedAsync(ClientWebSocket socket)
    {
        var buffer = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return result.CloseStatus;
            }
        }
    }

    private async Task<ClientWebSocket> ConnectPusherAsync(ServerNode node)
    {
        var socket = NewSocket();
        await socket.ConnectAsync(PusherUri(node), CancellationToken.None).DefaultTimeout();
        var buffer = new byte[4096];
        var first = await socket.ReceiveAsync(buffer, CancellationToken.None).DefaultTimeout();
        Assert.Contains("pusher:connection_established", Encoding.UTF8.GetString(buffer, 0, first.Count), StringComparison.Ordinal);
        return socket;
    }

    private ClientWebSocket NewSocket()
    {
        var socket = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } };
        _sockets.Add(socket);
        return socket;
    }

    private async Task<ServerNode> NodeAsync(ServerNodeOptions options)
    {
        var node = await ServerNode.StartAsync("a", options);
        _nodes.Add(node);
        return node;
    }
}
