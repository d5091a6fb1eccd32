using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using SignalRChannels.Client.Internal;

namespace SignalRChannels.Client;

/// <summary>
/// An in-memory stand-in for the server, for unit tests of apps that use <see cref="ChannelsClient"/> (Laravel Echo's
/// null connector): every subscription succeeds, presence channels list the members added with
/// <see cref="AddMember"/>, history is empty, and <see cref="EmitAsync"/> plays a server event through the client's
/// real dispatch (typed handlers, <c>Events&lt;T&gt;()</c> readers, presence members).
/// </summary>
/// <example>
/// <code>
/// var server = new NullChannelsConnection();
/// await using var client = new ChannelsClient(server);
/// client.Channel("orders").On&lt;OrderShipped&gt;("OrderShipped", e =&gt; shipped.Add(e.OrderId));
/// await client.StartAsync();
/// await server.EmitAsync("orders", "OrderShipped", new OrderShipped(42));
/// </code>
/// </example>
/// <remarks>
/// Calls the client makes are recorded in <see cref="Invocations"/>; <see cref="Handle"/> scripts the answer to any hub
/// method (an app method such as <c>SendMessage</c>, or <c>Subscribe</c> to refuse a channel by throwing
/// <c>new HubException("forbidden: …")</c>). One connection serves one client.
/// </remarks>
public sealed class NullChannelsConnection : IChannelsConnection
{
    private readonly ConcurrentQueue<ChannelsInvocation> _invocations = new();
    private readonly ConcurrentDictionary<string, Func<object?[], object?>> _responders = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, PresenceMember>> _members = new(StringComparer.Ordinal);
    private Action<ChannelEvent>? _handler;
    private ChannelsClient? _client;
    private volatile HubConnectionState _state = HubConnectionState.Disconnected;

    event Func<Exception?, Task>? IChannelsConnection.Closed
    {
        add => Closed += value;
        remove => Closed -= value;
    }

    private event Func<Exception?, Task>? Closed;

    /// <summary>The id <c>GetSocketId</c> answers (for <c>X-Socket-ID</c>). The default is <c>null-connection</c>.</summary>
    public string ConnectionId { get; set; } = "null-connection";

    /// <summary>Every hub method call the client made, in order.</summary>
    public IReadOnlyList<ChannelsInvocation> Invocations => [.. _invocations];

    internal static Uri Url { get; } = new("http://null-connection/");

    HubConnectionState IChannelsConnection.State => _state;

    string? IChannelsConnection.ConnectionId => _state == HubConnectionState.Connected ? ConnectionId : null;

    /// <summary>Answers calls of <paramref name="method"/> with <paramref name="responder"/> (its arguments in, the result out; throw a <see cref="HubException"/> for a coded error).</summary>
    /// <param name="method">The hub method name.</param>
    /// <param name="responder">Computes the result; it is converted to the type the client expects through JSON when it is not that type already.</param>
    public void Handle(string method, Func<object?[], object?> responder)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(responder);
        _responders[method] = responder;
    }

    /// <summary>Makes <paramref name="id"/> a member of a presence channel: it is listed when the client subscribes or asks for members.</summary>
    /// <param name="channel">The full presence channel name (<c>presence-chat.1</c>).</param>
    /// <param name="id">The member id.</param>
    /// <param name="info">The member info; serialized with the client's serializer options.</param>
    public void AddMember(string channel, string id, object? info = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentException.ThrowIfNullOrEmpty(id);
        _members.GetOrAdd(channel, _ => new(StringComparer.Ordinal))[id] = new PresenceMember(id, ToElement(info));
    }

    /// <summary>
    /// Delivers an event as the server would and completes when the channel's handlers have run. Reserved events work
    /// too: <c>member:joined</c> with <c>new { id, info }</c>, <c>member:left</c> with <c>new { id, info, reason }</c>,
    /// <c>channel:unsubscribed</c> with <c>new { reason }</c>.
    /// </summary>
    /// <param name="channel">The full channel name.</param>
    /// <param name="eventName">The event name.</param>
    /// <param name="data">The payload; serialized with the client's serializer options.</param>
    /// <param name="offset">The event's offset, to play a history-enabled channel.</param>
    /// <param name="epoch">The stream's epoch (with <paramref name="offset"/>).</param>
    /// <param name="from">The sender of a whisper (<c>client-…</c> events).</param>
    /// <returns>A task that completes when the event was handled.</returns>
    /// <exception cref="InvalidOperationException">No client uses this connection.</exception>
    public Task EmitAsync(string channel, string eventName, object? data = null, long? offset = null, string? epoch = null, string? from = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        var handler = _handler ?? throw new InvalidOperationException("No ChannelsClient uses this connection.");
        handler(new ChannelEvent
        {
            Channel = channel,
            Event = eventName,
            Data = ToElement(data),
            Offset = offset,
            Epoch = epoch,
            Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            From = from,
        });
        return _client!.FlushAsync(channel);
    }

    /// <summary>Drops the connection as a network failure would: the client reconnects (with its reconnect policy) and resubscribes.</summary>
    /// <param name="error">The error the connection closed with.</param>
    /// <returns>A task that completes when the client has been told.</returns>
    public Task DropAsync(Exception? error = null)
    {
        _state = HubConnectionState.Disconnected;
        return Closed?.Invoke(error ?? new IOException("The connection was dropped.")) ?? Task.CompletedTask;
    }

    internal void Attach(ChannelsClient client)
    {
        if (Interlocked.CompareExchange(ref _client, client, null) is not null)
        {
            throw new InvalidOperationException("A NullChannelsConnection serves one ChannelsClient.");
        }
    }

    void IChannelsConnection.OnChannelEvent(Action<ChannelEvent> handler) => _handler = handler;

    Task IChannelsConnection.StartAsync(CancellationToken cancellationToken)
    {
        _state = HubConnectionState.Connected;
        return Task.CompletedTask;
    }

    async Task IChannelsConnection.StopAsync(CancellationToken cancellationToken)
    {
        if (_state == HubConnectionState.Disconnected)
        {
            return;
        }

        _state = HubConnectionState.Disconnected;
        if (Closed is { } closed)
        {
            await closed(null).ConfigureAwait(false);
        }
    }

    Task<T> IChannelsConnection.InvokeAsync<T>(string method, object?[] args, CancellationToken cancellationToken)
    {
        _invocations.Enqueue(new ChannelsInvocation(method, [.. args]));
        try
        {
            if (_state != HubConnectionState.Connected)
            {
                throw new InvalidOperationException("The connection is not active.");
            }

            var result = _responders.TryGetValue(method, out var responder) ? responder(args) : Respond(method, args);
            return Task.FromResult(Convert<T>(result));
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }

    ValueTask IAsyncDisposable.DisposeAsync() => ValueTask.CompletedTask;

    private object? Respond(string method, object?[] args) => method switch
    {
        ChannelHubMethods.Subscribe => Subscribed((string)args[0]!),
        ChannelHubMethods.SubscribeMany => ((string[])args[0]!).Select(Subscribed).ToArray(),
        ChannelHubMethods.GetMembers => MembersOf((string)args[0]!) ?? [],
        ChannelHubMethods.GetMembersPage => new MembersPage { Members = MembersOf((string)args[0]!) ?? [] },
        ChannelHubMethods.GetHistory => new HistoryResult { Position = new StreamPosition(0, null), Events = [] },
        ChannelHubMethods.GetSocketId => ConnectionId,
        ChannelHubMethods.Heartbeat => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        _ => null,
    };

    private SubscribeResult Subscribed(string channel) => new()
    {
        Channel = channel,
        Missed = [],
        Members = channel.StartsWith(ChannelsClient.PresencePrefix, StringComparison.Ordinal) ? MembersOf(channel) ?? [] : null,
    };

    private IReadOnlyList<PresenceMember>? MembersOf(string channel) =>
        _members.TryGetValue(channel, out var members) ? [.. members.Values] : null;

    private JsonElement ToElement(object? value) =>
        value is JsonElement element ? element : JsonSerializer.SerializeToElement(value, SerializerOptions);

    private T Convert<T>(object? value) => value switch
    {
        T typed => typed,
        null => default!,
        _ => JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(value, SerializerOptions), SerializerOptions)!,
    };

    private JsonSerializerOptions SerializerOptions => _client?.Options.SerializerOptions ?? JsonSerializerOptions.Web;
}
