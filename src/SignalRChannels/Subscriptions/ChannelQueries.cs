using SignalRChannels.Internal;

namespace SignalRChannels.Subscriptions;

/// <summary><c>GetMembers</c> and <c>GetHistory</c>: reads for the subscribers of a channel.</summary>
internal sealed class ChannelQueries(
    ConnectionRegistry connections,
    ChannelInput input,
    ChannelRegistry registry,
    IPresenceStore presence,
    IChannelEventStore history)
{
    public async Task<IReadOnlyList<PresenceMember>> GetMembersAsync(ChannelCaller caller, string? channel)
    {
        var connection = connections.Get(caller.ConnectionId);
        var name = input.ParseChannel(channel);
        if (name.Kind != ChannelKind.Presence)
        {
            throw new ChannelException(ChannelErrorCodes.NotPresence, $"'{name.Value}' is not a presence channel");
        }

        if (!connection.TryGet(name, out _))
        {
            throw new ChannelException(ChannelErrorCodes.NotSubscribed, $"subscribe to '{name.Value}' before asking for its members");
        }

        return await presence.GetMembersAsync(name, caller.Aborted).ConfigureAwait(false);
    }

    public async Task<HistoryResult> GetHistoryAsync(ChannelCaller caller, string? channel, HistoryOptions? options)
    {
        var connection = connections.Get(caller.ConnectionId);
        var name = input.ParseChannel(channel);
        ChannelInput.ValidateSince(options?.Since);
        var limit = input.ValidateHistoryLimit(options?.Limit);
        if (!connection.TryGet(name, out _))
        {
            throw new ChannelException(ChannelErrorCodes.NotSubscribed, $"subscribe to '{name.Value}' before reading its history");
        }

        if (registry.HistoryFor(name) is null)
        {
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, $"history is not enabled for '{name.Value}'");
        }

        var query = new HistoryQuery { Since = options?.Since, Limit = limit, Reverse = options?.Reverse ?? false };
        var page = await history.ReadAsync(name, query, caller.Aborted).ConfigureAwait(false);
        return new HistoryResult { Position = page.Position, Events = page.Events };
    }
}
