using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SignalRChannels.Authorization;
using SignalRChannels.Pipeline;

namespace SignalRChannels.Internal;

/// <summary>
/// The subscription engine behind the <see cref="ChannelHub"/> methods: validates input, authorizes,
/// enforces limits, keeps each connection's channels (a SignalR group per channel), relays client events
/// and applies revocations.
/// </summary>
internal sealed class ChannelSubscriptions : IChannelSubscriptionManager
{
    private readonly ConcurrentDictionary<string, ConnectionChannels> _connections = new(StringComparer.Ordinal);
    private readonly ChannelAuthorizer _authorizer;
    private readonly ChannelRegistry _registry;
    private readonly PublishPipeline _pipeline;
    private readonly HubClientsAccessor _hubs;
    private readonly IChannelCommandBus _commands;
    private readonly IChannelEventStore _history;
    private readonly Presence.PresenceTracker _presence;
    private readonly TimeProvider _timeProvider;
    private readonly ChannelsOptions _options;
    private readonly Diagnostics.ChannelsMetrics _metrics;
    private readonly ILogger _logger;

    public ChannelSubscriptions(
        ChannelAuthorizer authorizer,
        ChannelRegistry registry,
        PublishPipeline pipeline,
        HubClientsAccessor hubs,
        IChannelCommandBus commands,
        IChannelEventStore history,
        Presence.PresenceTracker presence,
        TimeProvider timeProvider,
        IOptions<ChannelsOptions> options,
        Diagnostics.ChannelsMetrics metrics,
        ILogger<ChannelSubscriptions> logger)
    {
        _metrics = metrics;
        _authorizer = authorizer;
        _registry = registry;
        _pipeline = pipeline;
        _hubs = hubs;
        _commands = commands;
        _history = history;
        _presence = presence;
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
    }

    public int ConnectionCount => _connections.Count;

    public void OnConnected(HubCallerContext caller)
    {
        var limiter = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = _options.WhisperPermitLimit,
            Window = _options.WhisperWindow,
            QueueLimit = 0,
        });
        _connections[caller.ConnectionId] = new ConnectionChannels(caller.ConnectionId, caller.UserIdentifier, caller.User, limiter);
        _metrics.Connected();
    }

    public async Task OnDisconnectedAsync(string connectionId)
    {
        // SignalR removes a closed connection from its groups; our bookkeeping and presence are left.
        if (!_connections.TryRemove(connectionId, out var connection))
        {
            return;
        }

        var subscriptions = connection.RemoveAll();
        connection.Dispose();
        _metrics.Disconnected();
        foreach (var (channel, _) in subscriptions)
        {
            _metrics.Unsubscribed(channel);
        }

        ChannelsLog.ConnectionRemoved(_logger, connectionId, subscriptions.Length);
        foreach (var (channel, member) in subscriptions)
        {
            if (member is not null)
            {
                await _presence.LeaveAsync(channel, member.Id, connectionId, "disconnected", CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    public IReadOnlyCollection<ChannelName> SubscriptionsOf(string connectionId) =>
        _connections.TryGetValue(connectionId, out var connection) ? connection.Snapshot() : [];

    public bool IsSubscribed(string connectionId, ChannelName channel) =>
        _connections.TryGetValue(connectionId, out var connection) && connection.TryGet(channel, out _);

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

        var authorization = await _authorizer.AuthorizeAsync(caller, name, caller.ConnectionAborted).ConfigureAwait(false);
        if (!authorization.IsAllowed || (name.Kind == ChannelKind.Presence && authorization.Member is null))
        {
            ChannelsLog.Denied(_logger, caller.ConnectionId, name.Value, authorization.Reason ?? "no member");
            _metrics.Denied(name);
            // A re-authorization that fails ends the subscription the connection already had.
            if (connection.Remove(name, out var previousMember))
            {
                await EndSubscriptionAsync(groups, caller.ConnectionId, name, previousMember).ConfigureAwait(false);
            }

            throw new ChannelException(ChannelErrorCodes.Forbidden, $"subscription to '{name.Value}' denied");
        }

        if (!connection.TryAdd(name, authorization.Member, _options.MaxSubscriptionsPerConnection, out var existed, out var previous))
        {
            throw new ChannelException(
                ChannelErrorCodes.LimitExceeded,
                $"a connection may subscribe to at most {_options.MaxSubscriptionsPerConnection} channels");
        }

        try
        {
            // Join the group before reading history: an event published meanwhile is then either in
            // `missed` or delivered live (or both; clients drop the duplicate by offset).
            await groups.AddToGroupAsync(caller.ConnectionId, ChannelGroups.For(name), caller.ConnectionAborted).ConfigureAwait(false);
            var result = await ReadPositionAsync(name, since, caller.ConnectionAborted).ConfigureAwait(false);
            if (name.Kind == ChannelKind.Presence)
            {
                if (existed && previous is not null && previous.Id != authorization.Member!.Id)
                {
                    await _presence.LeaveAsync(name, previous.Id, caller.ConnectionId, "left", CancellationToken.None).ConfigureAwait(false);
                }

                var members = await _presence.JoinAsync(name, authorization.Member!, caller.ConnectionId, caller.ConnectionAborted).ConfigureAwait(false);
                result = new SubscribeResult
                {
                    Channel = result.Channel,
                    Position = result.Position,
                    Recovered = result.Recovered,
                    Missed = result.Missed,
                    Members = members,
                };
            }

            ChannelsLog.Subscribed(_logger, caller.ConnectionId, name.Value);
            if (!existed)
            {
                _metrics.Subscribed(name);
            }

            return result;
        }
        catch when (!existed)
        {
            connection.Remove(name, out _);
            await groups.RemoveFromGroupAsync(caller.ConnectionId, ChannelGroups.For(name), CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<SubscribeResult> ReadPositionAsync(ChannelName name, StreamPosition? since, CancellationToken cancellationToken)
    {
        if (_registry.HistoryFor(name) is null)
        {
            return new SubscribeResult { Channel = name.Value };
        }

        if (since is null)
        {
            var position = await _history.GetPositionAsync(name, cancellationToken).ConfigureAwait(false);
            return new SubscribeResult { Channel = name.Value, Position = position };
        }

        var recovery = await _history.RecoverAsync(name, since, _options.MaxRecoveredEvents, cancellationToken).ConfigureAwait(false);
        _metrics.Recovery(recovery.Recovered);
        return new SubscribeResult
        {
            Channel = name.Value,
            Position = recovery.Position,
            Recovered = recovery.Recovered,
            Missed = recovery.Events,
        };
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
        if (connection.Remove(name, out var member))
        {
            await EndSubscriptionAsync(groups, caller.ConnectionId, name, member).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What follows removing a subscription from a connection's set, whoever removed it (the client, a failed
    /// re-authorization, a revocation): leave the channel's group, count it, and leave presence.
    /// </summary>
    private async Task EndSubscriptionAsync(IGroupManager groups, string connectionId, ChannelName channel, PresenceMember? member)
    {
        _metrics.Unsubscribed(channel);
        await groups.RemoveFromGroupAsync(connectionId, ChannelGroups.For(channel), CancellationToken.None).ConfigureAwait(false);
        ChannelsLog.Unsubscribed(_logger, connectionId, channel.Value);
        if (member is not null)
        {
            await _presence.LeaveAsync(channel, member.Id, connectionId, "left", CancellationToken.None).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<PresenceMember>> GetMembersAsync(HubCallerContext caller, string? channel)
    {
        var connection = Connection(caller);
        var name = ParseChannel(channel);
        if (name.Kind != ChannelKind.Presence)
        {
            throw new ChannelException(ChannelErrorCodes.NotPresence, $"'{name.Value}' is not a presence channel");
        }

        if (!connection.TryGet(name, out _))
        {
            throw new ChannelException(ChannelErrorCodes.NotSubscribed, $"subscribe to '{name.Value}' before asking for its members");
        }

        return await _presence.Store.GetMembersAsync(name, caller.ConnectionAborted).ConfigureAwait(false);
    }

    public async Task<HistoryResult> GetHistoryAsync(HubCallerContext caller, string? channel, HistoryOptions? options)
    {
        var connection = Connection(caller);
        var name = ParseChannel(channel);
        ValidateSince(options?.Since);
        var limit = options?.Limit ?? _options.MaxHistoryLimit;
        if (limit < 1 || limit > _options.MaxHistoryLimit)
        {
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, $"limit must be 1 to {_options.MaxHistoryLimit}");
        }

        if (!connection.TryGet(name, out _))
        {
            throw new ChannelException(ChannelErrorCodes.NotSubscribed, $"subscribe to '{name.Value}' before reading its history");
        }

        if (_registry.HistoryFor(name) is null)
        {
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, $"history is not enabled for '{name.Value}'");
        }

        var page = await _history.ReadAsync(name, new HistoryQuery { Since = options?.Since, Limit = limit, Reverse = options?.Reverse ?? false }, caller.ConnectionAborted)
            .ConfigureAwait(false);
        return new HistoryResult { Position = page.Position, Events = page.Events };
    }

    public long Heartbeat(HubCallerContext caller, double? roundTripMs)
    {
        var connection = Connection(caller);
        if (roundTripMs is { } rtt && (double.IsNaN(rtt) || rtt < 0 || rtt > 600_000))
        {
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, "roundTripMs must be 0 to 600000");
        }

        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        connection.LastSeen = now;
        connection.RoundTripMs = roundTripMs ?? connection.RoundTripMs;
        if (roundTripMs is { } measured)
        {
            _metrics.RoundTrip(measured);
        }

        return now;
    }

    public Task WhisperAsync(HubCallerContext caller, string? channel, string? eventName, object? data)
    {
        var connection = Connection(caller);
        var name = ParseChannel(channel);
        if (name.Kind == ChannelKind.Public)
        {
            throw new ChannelException(ChannelErrorCodes.WhisperDisabled, "client events are only allowed on private and presence channels");
        }

        if (!connection.TryGet(name, out var member))
        {
            throw new ChannelException(ChannelErrorCodes.NotSubscribed, $"subscribe to '{name.Value}' before whispering on it");
        }

        if (!EventNames.IsWellFormed(eventName, _options.MaxEventNameLength - EventNames.ClientPrefix.Length, out var error))
        {
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, error!);
        }

        if (!_registry.WhispersEnabled(name))
        {
            throw new ChannelException(ChannelErrorCodes.WhisperDisabled, $"client events are disabled on '{name.Value}'");
        }

        using (var lease = connection.WhisperLimiter.AttemptAcquire())
        {
            if (!lease.IsAcquired)
            {
                throw new ChannelException(
                    ChannelErrorCodes.RateLimited,
                    $"at most {_options.WhisperPermitLimit} client events per {_options.WhisperWindow.TotalSeconds:0.###} s");
            }
        }

        var payload = EventPayload.FromClient(data, _options.MaxWhisperPayloadBytes, _options.MaxPayloadDepth);
        var from = member?.Id ?? caller.UserIdentifier ?? caller.ConnectionId;
        return _pipeline.PublishAsync(name, EventNames.ClientPrefix + eventName, payload, from, caller.ConnectionId, CancellationToken.None, persist: false);
    }

    public ChannelName ParseChannel(string? channel) =>
        ChannelName.TryParse(channel, _options.MaxChannelNameLength, out var name, out var error)
            ? name
            : throw new ChannelException(ChannelErrorCodes.InvalidChannel, error);

    Task IChannelSubscriptionManager.RemoveUserAsync(string userId, string channelPattern, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ChannelPattern.Parse(channelPattern);
        return _commands.PublishAsync(new ChannelCommand(ChannelCommand.RevokeUser, userId, channelPattern), cancellationToken);
    }

    Task IChannelSubscriptionManager.RemoveConnectionAsync(string connectionId, string channelPattern, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        ChannelPattern.Parse(channelPattern);
        return _commands.PublishAsync(new ChannelCommand(ChannelCommand.RevokeConnection, connectionId, channelPattern), cancellationToken);
    }

    /// <summary>Applies a revocation to the connections of this node (called by <see cref="ChannelCommandListener"/>).</summary>
    public async Task ApplyAsync(ChannelCommand command)
    {
        var pattern = ChannelPattern.Parse(command.Pattern);
        var targets = command.Kind switch
        {
            ChannelCommand.RevokeUser => _connections.Values.Where(c => string.Equals(c.UserIdentifier, command.Target, StringComparison.Ordinal)),
            ChannelCommand.RevokeConnection => _connections.TryGetValue(command.Target, out var one) ? [one] : [],
            _ => [],
        };

        foreach (var connection in targets.ToArray())
        {
            foreach (var (channel, member) in connection.RemoveMatching(pattern))
            {
                var notice = new ChannelEvent
                {
                    Channel = channel.Value,
                    Event = EventNames.Unsubscribed,
                    Data = EventPayload.ToElement(new { reason = "revoked" }),
                    Timestamp = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
                };
                await EndSubscriptionAsync(_hubs.Groups, connection.ConnectionId, channel, member).ConfigureAwait(false);
                await _hubs.Clients.Client(connection.ConnectionId).SendAsync(ChannelEvent.ClientMethodName, notice).ConfigureAwait(false);
            }
        }
    }

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
