using Microsoft.Extensions.Options;
using SignalRChannels.Internal;
using SignalRChannels.Presence;

namespace SignalRChannels.Subscriptions;

/// <summary><c>GetMembers</c> and <c>GetHistory</c>: reads for the subscribers of a channel.</summary>
internal sealed class ChannelQueries(
    ConnectionRegistry connections,
    ChannelInput input,
    ChannelRegistry registry,
    IPresenceStore presence,
    IChannelEventStore history,
    IOptions<PresenceOptions> presenceOptions)
{
    private readonly int _maxMembers = presenceOptions.Value.MaxMembersPerResponse;

    /// <summary>The first <see cref="PresenceOptions.MaxMembersPerResponse"/> members, in ordinal order of their ids.</summary>
    public async Task<IReadOnlyList<PresenceMember>> GetMembersAsync(ChannelCaller caller, string? channel) =>
        (await GetMembersPageAsync(caller, channel, null).ConfigureAwait(false)).Members;

    public async Task<MembersPage> GetMembersPageAsync(ChannelCaller caller, string? channel, MembersPageOptions? options)
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

        var limit = options?.Limit ?? _maxMembers;
        if (limit < 1 || limit > _maxMembers)
        {
            throw new ChannelException(ChannelErrorCodes.InvalidArgument, $"limit must be 1 to {_maxMembers}");
        }

        var members = await presence.GetMembersAsync(name, caller.Aborted).ConfigureAwait(false);
        return MemberPages.Read(members, options?.After, limit);
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
