using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace SignalRChannels.FunctionalTests.Presence;

/// <summary>
/// A connection that goes silent without closing (its network path died) is detected by SignalR's client timeout,
/// and its presence is removed at once: the others see <c>member:left</c> with reason <c>disconnected</c>.
/// </summary>
public sealed class DeadConnectionTests
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task ConnectionWhoseNetworkDies_IsDetected_AndItsMemberLeaves()
    {
        // SignalR enforces the client timeout once a client has pinged, so the network dies only after a ping arrived.
        var pings = new PingSpyProtocol();
        await using var server = await ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            ConfigureBuilder = builder =>
            {
                builder.Services.AddSingleton<Microsoft.AspNetCore.SignalR.Protocol.IHubProtocol>(pings);
                TestAuthenticationHandler.AddTo(builder);
                builder.Services.Configure<HubOptions>(o =>
                {
                    o.ClientTimeoutInterval = ClientTimeout;
                    o.KeepAliveInterval = TimeSpan.FromMilliseconds(300);
                });
            },
            ConfigureApp = TestAuthenticationHandler.UseIn,
            Channels = channels => channels.Presence("room.{id}", (System.Security.Claims.ClaimsPrincipal user) =>
                new PresenceMember(user.Identity!.Name!, new { name = user.Identity.Name })),
        });
        await using var proxy = new FreezableTcpProxy(server.BaseAddress);

        var events = System.Threading.Channels.Channel.CreateUnbounded<JsonElement>();
        await using var watcher = Connect(server.HubUrl, "watcher");
        watcher.On<JsonElement>("ChannelEvent", e => events.Writer.TryWrite(e));
        await using var doomed = Connect(new Uri(proxy.Address, ChannelsTestServer.HubPath), "doomed", new PingSpyProtocol());
        await watcher.StartAsync().DefaultTimeout();
        await doomed.StartAsync().DefaultTimeout();
        await watcher.InvokeAsync<JsonElement>("Subscribe", "presence-room.dead", null).DefaultTimeout();
        await doomed.InvokeAsync<JsonElement>("Subscribe", "presence-room.dead", null).DefaultTimeout();
        var joined = await events.Reader.ReadAsync().AsTask().DefaultTimeout();
        Assert.Equal("member:joined", joined.GetProperty("event").GetString());

        await pings.FirstPing.DefaultTimeout();
        proxy.Freeze();
        var clock = Stopwatch.StartNew();
        var left = await events.Reader.ReadAsync().AsTask().DefaultTimeout();

        Assert.Equal("member:left", left.GetProperty("event").GetString());
        Assert.Equal("doomed", left.GetProperty("data").GetProperty("id").GetString());
        Assert.Equal("disconnected", left.GetProperty("data").GetProperty("reason").GetString());
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, ClientTimeout + TimeSpan.FromSeconds(6));
    }

    private static HubConnection Connect(Uri url, string user, Microsoft.AspNetCore.SignalR.Protocol.IHubProtocol? protocol = null)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(url, HttpTransportType.WebSockets, o =>
            {
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(new TestUser(user, user).Token);
            });
        if (protocol is not null)
        {
            builder.Services.AddSingleton(protocol);
        }

        var connection = builder.Build();
        connection.KeepAliveInterval = TimeSpan.FromMilliseconds(200);
        connection.ServerTimeout = TimeSpan.FromSeconds(30);
        return connection;
    }

    /// <summary>The JSON protocol under its own name; on the server it tells when the first ping arrives.</summary>
    private sealed class PingSpyProtocol() : Microsoft.AspNetCore.SignalR.Protocol.IHubProtocol
    {
        private readonly Microsoft.AspNetCore.SignalR.Protocol.JsonHubProtocol _inner = new();
        private readonly TaskCompletionSource _firstPing = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstPing => _firstPing.Task;

        public string Name => "ping-spy-json";

        public int Version => _inner.Version;

        public Microsoft.AspNetCore.Connections.TransferFormat TransferFormat => _inner.TransferFormat;

        public bool TryParseMessage(
            ref System.Buffers.ReadOnlySequence<byte> input,
            Microsoft.AspNetCore.SignalR.IInvocationBinder binder,
            [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Microsoft.AspNetCore.SignalR.Protocol.HubMessage? message)
        {
            var parsed = _inner.TryParseMessage(ref input, binder, out message);
            if (parsed && message is Microsoft.AspNetCore.SignalR.Protocol.PingMessage)
            {
                _firstPing.TrySetResult();
            }

            return parsed;
        }

        public void WriteMessage(Microsoft.AspNetCore.SignalR.Protocol.HubMessage message, System.Buffers.IBufferWriter<byte> output) =>
            _inner.WriteMessage(message, output);

        public ReadOnlyMemory<byte> GetMessageBytes(Microsoft.AspNetCore.SignalR.Protocol.HubMessage message) => _inner.GetMessageBytes(message);

        public bool IsVersionSupported(int version) => _inner.IsVersionSupported(version);
    }
}
