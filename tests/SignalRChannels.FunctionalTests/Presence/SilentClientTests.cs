using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace SignalRChannels.FunctionalTests.Presence;

/// <summary>
/// A client that never sends a ping (SignalR's client timeout never starts for it) is closed after
/// <see cref="ChannelsOptions.ClientSilenceTimeout"/>, and its member leaves; clients that ping stay.
/// </summary>
public sealed class SilentClientTests
{
    private static readonly TimeSpan Silence = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task ClientThatNeverPings_IsClosed_AndItsMemberLeaves_WhileAPingingClientStays()
    {
        await using var server = await ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            Channels = channels =>
            {
                channels.Presence("room.{id}", (ChannelAuthorizationContext context) => new PresenceMember(context.ConnectionId));
                channels.Configure(o => o.ClientSilenceTimeout = Silence);
            },
        });
        var events = System.Threading.Channels.Channel.CreateUnbounded<JsonElement>();
        await using var watcher = new HubConnectionBuilder()
            .WithUrl(server.HubUrl, HttpTransportType.WebSockets, o => o.SkipNegotiation = true)
            .Build();
        watcher.KeepAliveInterval = TimeSpan.FromMilliseconds(200);
        watcher.On<JsonElement>("ChannelEvent", e => events.Writer.TryWrite(e));
        await watcher.StartAsync().DefaultTimeout();
        await watcher.InvokeAsync<JsonElement>("Subscribe", "presence-room.silent", null).DefaultTimeout();

        using var silent = new ClientWebSocket();
        var wsUrl = new UriBuilder(server.HubUrl) { Scheme = "ws" }.Uri;
        await silent.ConnectAsync(wsUrl, CancellationToken.None).DefaultTimeout();
        await SendAsync(silent, "{\"protocol\":\"json\",\"version\":1}\u001e");
        await SendAsync(silent, "{\"type\":1,\"invocationId\":\"1\",\"target\":\"Subscribe\",\"arguments\":[\"presence-room.silent\",null]}\u001e");
        var joined = await events.Reader.ReadAsync().AsTask().DefaultTimeout();
        Assert.Equal("member:joined", joined.GetProperty("event").GetString());
        var silentMember = joined.GetProperty("data").GetProperty("id").GetString();

        // From here the bare client sends nothing at all, while reading what the server sends.
        var closed = DrainUntilClosedAsync(silent);
        var left = await events.Reader.ReadAsync().AsTask().DefaultTimeout();

        Assert.Equal("member:left", left.GetProperty("event").GetString());
        Assert.Equal(silentMember, left.GetProperty("data").GetProperty("id").GetString());
        Assert.Equal("disconnected", left.GetProperty("data").GetProperty("reason").GetString());
        await closed.DefaultTimeout();
        Assert.Equal(HubConnectionState.Connected, watcher.State);
        var members = await watcher.InvokeAsync<JsonElement>("GetMembers", "presence-room.silent").DefaultTimeout();
        Assert.Equal(1, members.GetArrayLength());
    }

    private static Task SendAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).DefaultTimeout();

    private static async Task DrainUntilClosedAsync(ClientWebSocket socket)
    {
        var buffer = new byte[4096];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (WebSocketException)
        {
            // Aborted by the server: closed as well.
        }
    }
}
