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

        var reverse = options?.Reverse ?? false;
        if (connection.FilterOf(name) is { } filter)
        {
            return await ReadFilteredAsync(name, filter, options?.Since, limit, reverse, caller.Aborted).ConfigureAwait(false);
        }

        var query = new HistoryQuery { Since = options?.Since, Limit = limit, Reverse = reverse };
        var page = await history.ReadAsync(name, query, caller.Aborted).ConfigureAwait(false);
        return new HistoryResult { Position = page.Position, Events = page.Events };
    }

    /// <summary>
    /// A filtered subscription's history: only events that pass its filter, each with <c>prevOffset</c>. Reads the
    /// stream forward in pages until <paramref name="limit"/> events pass (all of them when newest first), so the cost
    /// is bounded by the retained history, not by how rare the filter's events are.
    /// </summary>
    private async Task<HistoryResult> ReadFilteredAsync(
        ChannelName name, EventFilter filter, StreamPosition? since, int limit, bool reverse, CancellationToken cancellationToken)
    {
        var pageSize = input.ValidateHistoryLimit(null);
        var passed = new List<ChannelEvent>();
        var cursor = since;
        StreamPosition? position = null;
        while (true)
        {
            var page = await history.ReadAsync(name, new HistoryQuery { Since = cursor, Limit = pageSize }, cancellationToken).ConfigureAwait(false);
            position = page.Position;
            passed.AddRange(page.Events.Where(e => filter.Passes(e.Event)));
            if (page.Events.Count < pageSize || (!reverse && passed.Count >= limit))
            {
                break;
            }

            cursor = new StreamPosition { Offset = page.Events[^1].Offset!.Value, Epoch = page.Position.Epoch };
        }

        var selected = filter.Select(passed, since?.Offset);
        var events = reverse ? selected.TakeLast(limit).Reverse().ToList() : selected.Take(limit).ToList();
        return new HistoryResult { Position = position, Events = events };
    }
}
