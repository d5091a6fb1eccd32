using Microsoft.Extensions.Logging;
using SignalRChannels.Authorization;
using SignalRChannels.Internal;

namespace SignalRChannels.Subscriptions;

/// <summary>
/// <c>Subscribe</c>, <c>SubscribeMany</c> and <c>Unsubscribe</c>: validate, authorize (every time, resubscribes
/// included), admit within the connection's limit, then join; a failed re-authorization ends the subscription
/// the connection had.
/// </summary>
// Eight dependencies: the five steps of a subscribe (registry, input, authorizer, joiner, teardown) plus the node's
// occupancy, metrics and logging; folding any two would put two jobs in one class.
internal sealed class SubscriptionService(
    ConnectionRegistry connections,
    ChannelInput input,
    ChannelAuthorizer authorizer,
    ChannelJoiner joiner,
    SubscriptionTeardown teardown,
    Query.NodeOccupancy occupancy,
    Diagnostics.ChannelsMetrics metrics,
    ILogger<SubscriptionService> logger)
{
    public async Task<SubscribeResult> SubscribeAsync(ChannelCaller caller, string? channel, StreamPosition? since, string?[]? events)
    {
        var connection = connections.Get(caller.ConnectionId);
        var name = input.ParseChannel(channel);
        ChannelInput.ValidateSince(since);
        var filter = input.ParseEventFilter(events);

        // Held through authorization too: a revocation or an unsubscribe of this connection waits for this subscribe
        // and then applies to what it made, instead of racing it and leaving a subscription (or presence) behind.
        using var operation = await connection.LockAsync(caller.Aborted).ConfigureAwait(false);
        if (!connections.TryGet(caller.ConnectionId, out _))
        {
            throw new ChannelException(ChannelErrorCodes.Unavailable, "the connection is closing");
        }

        var authorization = await authorizer.AuthorizeAsync(caller, name, caller.Aborted).ConfigureAwait(false);
        if (!authorization.IsAllowed || (name.Kind == ChannelKind.Presence && authorization.Member is null))
        {
            ChannelsLog.Denied(logger, caller.ConnectionId, name.Value, authorization.Reason ?? "no member");
            metrics.Denied(name);
            if (connection.Remove(name, out var previousMember))
            {
                await teardown.EndAsync(caller.ConnectionId, name, previousMember, connection.TakeFilter(name)).ConfigureAwait(false);
            }

            throw new ChannelException(ChannelErrorCodes.Forbidden, $"subscription to '{name.Value}' denied");
        }

        if (!connection.TryAdd(name, authorization.Member, input.MaxSubscriptionsPerConnection, out var existed, out var previous))
        {
            throw input.LimitExceeded();
        }

        var previousFilter = connection.SwapFilter(name, filter);
        SubscribeResult result;
        try
        {
            var filters = new ChannelJoiner.FilterChange(filter, previousFilter);
            result = await joiner.JoinAsync(caller, name, since, authorization.Member, previous, existed, filters).ConfigureAwait(false);
        }
        catch when (!existed)
        {
            connection.Remove(name, out _);
            connection.TakeFilter(name);
            throw;
        }

        ChannelsLog.Subscribed(logger, caller.ConnectionId, name.Value);
        if (!existed)
        {
            metrics.Subscribed(name);
            await occupancy.SubscribedAsync(name).ConfigureAwait(false);
        }

        return result;
    }

    public async Task<SubscribeResult[]> SubscribeManyAsync(ChannelCaller caller, string?[]? channels, SubscribeManyOptions? options)
    {
        if (channels is null)
        {
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, "channels must be an array of channel names");
        }

        input.ValidateSubscriptionCount(channels.Length);
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
                results[i] = await SubscribeAsync(caller, channel, since, options?.Events).ConfigureAwait(false);
            }
            catch (ChannelException ex)
            {
                results[i] = new SubscribeResult { Channel = channel ?? string.Empty, Error = ex.Message };
            }
        }

        return results;
    }

    public async Task UnsubscribeAsync(ChannelCaller caller, string? channel)
    {
        var connection = connections.Get(caller.ConnectionId);
        var name = input.ParseChannel(channel);
        using var operation = await connection.LockAsync(caller.Aborted).ConfigureAwait(false);
        if (connection.Remove(name, out var member))
        {
            await teardown.EndAsync(caller.ConnectionId, name, member, connection.TakeFilter(name)).ConfigureAwait(false);
        }
    }
}
