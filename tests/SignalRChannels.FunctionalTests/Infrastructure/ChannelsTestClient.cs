using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>
/// A started official SignalR client that speaks wire protocol v1 and queues every <c>ChannelEvent</c> it
/// receives, so tests await events in order instead of sleeping.
/// </summary>
public sealed class ChannelsTestClient : IAsyncDisposable
{
    private readonly Channel<ReceivedEvent> _events = Channel.CreateUnbounded<ReceivedEvent>();

    private ChannelsTestClient(HubConnection connection, HttpTransportType transport, WireProtocol protocol)
    {
        Connection = connection;
        Transport = transport;
        Protocol = protocol;
        connection.On<ReceivedEvent>("ChannelEvent", e => _events.Writer.TryWrite(e));
    }

    public HubConnection Connection { get; }

    public HttpTransportType Transport { get; }

    public WireProtocol Protocol { get; }

    /// <summary>The server's id of this connection (the value of an <c>X-Socket-ID</c> header).</summary>
    public string ConnectionId => Connection.ConnectionId
        ?? throw new InvalidOperationException("The connection has no id; is it started, with negotiation?");

    /// <param name="accessToken">
    /// Sent through <c>AccessTokenProvider</c> (an <c>Authorization: Bearer</c> header from the .NET client), for
    /// example a <see cref="TestUser.Token"/>; null connects anonymously.
    /// </param>
    public static async Task<ChannelsTestClient> ConnectAsync(Uri hubUrl, HttpTransportType transport, WireProtocol protocol, string? accessToken = null)
    {
        var builder = new HubConnectionBuilder().WithUrl(hubUrl, transport, options =>
        {
            if (accessToken is not null)
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
            }
        });
        if (protocol == WireProtocol.MessagePack)
        {
            builder.AddMessagePackProtocol();
        }

        var client = new ChannelsTestClient(builder.Build(), transport, protocol);
        try
        {
            await client.Connection.StartAsync().DefaultTimeout();
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }

        return client;
    }

    public Task<ReceivedSubscribeResult> SubscribeAsync(string? channel, object? options = null) =>
        Connection.InvokeCoreAsync<ReceivedSubscribeResult>("Subscribe", [channel, options]).DefaultTimeout();

    public Task<ReceivedSubscribeResult[]> SubscribeManyAsync(string?[]? channels, object? options = null) =>
        Connection.InvokeCoreAsync<ReceivedSubscribeResult[]>("SubscribeMany", [channels, options]).DefaultTimeout();

    public Task UnsubscribeAsync(string? channel) =>
        Connection.InvokeCoreAsync("Unsubscribe", [channel]).DefaultTimeout();

    public Task WhisperAsync(string? channel, string? eventName, object? data) =>
        Connection.InvokeCoreAsync("Whisper", [channel, eventName, data]).DefaultTimeout();

    /// <summary>Calls <see cref="TestHub.Publish"/>.</summary>
    public Task PublishAsync(string? channel, string? eventName, object? data, bool toOthers = false) =>
        Connection.InvokeCoreAsync("Publish", [channel, eventName, data, toOthers]).DefaultTimeout();

    /// <summary>The next event this client received, waiting for it if none is queued yet.</summary>
    public Task<ReceivedEvent> NextEventAsync() => _events.Reader.ReadAsync().DefaultTimeout();

    /// <summary>Asserts the next event is <paramref name="eventName"/> on <paramref name="channel"/>, and returns it.</summary>
    public async Task<ReceivedEvent> AssertNextEventAsync(string channel, string eventName)
    {
        var received = await NextEventAsync();
        Assert.True(
            received.Channel == channel && received.Event == eventName,
            $"Expected {channel}/{eventName} next, but received {received}.");
        return received;
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync().DefaultTimeout();
        _events.Writer.TryComplete();
    }
}
