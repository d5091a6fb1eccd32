using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SignalRChannels.Authorization;

namespace SignalRChannels.Internal;

/// <summary>
/// The subscription engine behind the <see cref="ChannelHub"/> methods: validates input, authorizes,
/// enforces limits and keeps each connection's set of channels (a SignalR group per channel).
/// </summary>
internal sealed class ChannelSubscriptions(
    ChannelAuthorizer authorizer,
    IOptions<ChannelsOptions> options,
    ILogger<ChannelSubscriptions> logger)
{
    private readonly ConcurrentDictionary<string, ConnectionChannels> _connections = new(StringComparer.Ordinal);
    private readonly ChannelsOptions _options = options.Value;

    public int ConnectionCount => _connections.Count;

    public void OnConnected(HubCallerContext caller) =>
        _connections[caller.ConnectionId] = new ConnectionChannels(caller.ConnectionId, caller.User);

    public void OnDisconnected(string connectionId)
    {
        // SignalR removes a closed connection from its groups; only our bookkeeping is left to drop.
        if (_connections.TryRemove(connectionId, out var connection))
        {
            ChannelsLog.ConnectionRemoved(logger, connectionId, connection.RemoveAll().Length);
        }
    }

    public IReadOnlyCollection<ChannelName> SubscriptionsOf(string connectionId) =>
        _connections.TryGetValue(connectionId, out var connection) ? connection.Snapshot() : [];

    public bool IsSubscribed(string connectionId, ChannelName channel) =>
        _connections.TryGetValue(connectionId, out var connection) && connection.Contains(channel);

    public async Task<SubscribeResult> SubscribeAsync(
        HubCallerContext caller,
        IGroupManager groups,
        string? channel,
        StreamPosition? since,
        string?[]? events)
    {
        var connection = Connection(caller);
        var name = ParseChannel(channel);
        ValidateSince(since);
        ValidateEventFilter(events);

        var authorization = await authorizer.AuthorizeAsync(caller, name, caller.ConnectionAborted).ConfigureAwait(false);
        if (!authorization.IsAllowed)
        {
            ChannelsLog.Denied(logger, caller.ConnectionId, name.Value, authorization.Reason!);
            throw new ChannelException(ChannelErrorCodes.Forbidden, $"subscription to '{name.Value}' denied");
        }

        if (!connection.TryAdd(name, _options.MaxSubscriptionsPerConnection))
        {
            throw new ChannelException(
                ChannelErrorCodes.LimitExceeded,
                $"a connection may subscribe to at most {_options.MaxSubscriptionsPerConnection} channels");
        }

        try
        {
            await groups.AddToGroupAsync(caller.ConnectionId, ChannelGroups.For(name), caller.ConnectionAborted).ConfigureAwait(false);
        }
        catch
        {
            connection.Remove(name);
            throw;
        }

        ChannelsLog.Subscribed(logger, caller.ConnectionId, name.Value);
        return new SubscribeResult { Channel = name.Value };
    }

    public async Task<SubscribeResult[]> SubscribeManyAsync(
        HubCallerContext caller,
        IGroupManager groups,
        string?[]? channels,
        SubscribeManyOptions? options)
    {
        if (channels is null)
        {
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, "channels must be an array of channel names");
        }

        if (channels.Length > _options.MaxSubscriptionsPerConnection)
        {
            throw new ChannelException(
                ChannelErrorCodes.LimitExceeded,
                $"a connection may subscribe to at most {_options.MaxSubscriptionsPerConnection} channels");
        }

        var results = new SubscribeResult[channels.Length];
        for (var i = 0; i < channels.Length; i++)
        {
            var channel = channels[i];
            StreamPosition? since = null;
            if (channel is not null && options?.Since is { } positions)
            {
                positions.TryGetValue(channel, out since);
            }

            try
            {
                results[i] = await SubscribeAsync(caller, groups, channel, since, options?.Events).ConfigureAwait(false);
            }
            catch (ChannelException ex)
            {
                results[i] = new SubscribeResult { Channel = channel ?? string.Empty, Error = ex.Message };
            }
        }

        return results;
    }

    public async Task UnsubscribeAsync(HubCallerContext caller, IGroupManager groups, string? channel)
    {
        var connection = Connection(caller);
        var name = ParseChannel(channel);
        if (connection.Remove(name))
        {
            await groups.RemoveFromGroupAsync(caller.ConnectionId, ChannelGroups.For(name), CancellationToken.None).ConfigureAwait(false);
            ChannelsLog.Unsubscribed(logger, caller.ConnectionId, name.Value);
        }
    }

    public ChannelName ParseChannel(string? channel) =>
        ChannelName.TryParse(channel, _options.MaxChannelNameLength, out var name, out var error)
            ? name
            : throw new ChannelException(ChannelErrorCodes.InvalidChannel, error);

    private ConnectionChannels Connection(HubCallerContext caller) =>
        _connections.TryGetValue(caller.ConnectionId, out var connection)
            ? connection
            : throw new ChannelException(ChannelErrorCodes.Unavailable, "the connection is closing");

    private static void ValidateSince(StreamPosition? since)
    {
        if (since is null)
        {
            return;
        }

        if (since.Offset < 0)
        {
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, "since.offset must not be negative");
        }

        if (since.Epoch is { Length: > 64 })
        {
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, "since.epoch is longer than 64 characters");
        }
    }

    private void ValidateEventFilter(string?[]? events)
    {
        if (events is null)
        {
            return;
        }

        if (events.Length == 0 || events.Length > _options.MaxEventFilterNames)
        {
            throw new ChannelException(
                ChannelErrorCodes.InvalidArgument,
                $"events must list 1 to {_options.MaxEventFilterNames} event names, or be null for all events");
        }

        foreach (var name in events)
        {
            if (!EventNames.IsWellFormed(name, _options.MaxEventNameLength, out var error))
            {
                throw new ChannelException(ChannelErrorCodes.InvalidArgument, $"events: {error}");
            }
        }

        // Filtering on the server needs per-event fan-out groups; until that lands, refuse rather than ignore.
        throw new ChannelException(ChannelErrorCodes.InvalidArgument, "event filters are not supported by this server yet; send null");
    }
}
