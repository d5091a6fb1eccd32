using System.Collections.Concurrent;

namespace SignalRChannels.LoadTool.Serve;

/// <summary>
/// Hand-written in-memory presence for the plain SignalR baseline (one member per connection): what an app without
/// this library would keep next to its groups.
/// </summary>
internal sealed class PlainPresence
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, PlainMember>> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _byConnection = new(StringComparer.Ordinal);

    /// <summary>Adds the connection's member and returns the channel's members, the new one included.</summary>
    public PlainMember[] Join(string channel, string connectionId, PlainMember member)
    {
        var members = _channels.GetOrAdd(channel, _ => new ConcurrentDictionary<string, PlainMember>(StringComparer.Ordinal));
        members[connectionId] = member;
        _byConnection.GetOrAdd(connectionId, _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal))[channel] = 0;
        return [.. members.Values];
    }

    /// <summary>Removes the connection's member; null when it was not a member.</summary>
    public PlainMember? Leave(string channel, string connectionId)
    {
        if (_byConnection.TryGetValue(connectionId, out var channels))
        {
            channels.TryRemove(channel, out _);
        }

        return _channels.TryGetValue(channel, out var members) && members.TryRemove(connectionId, out var member) ? member : null;
    }

    /// <summary>The presence channels a connection is in (and forgets the connection).</summary>
    public IReadOnlyCollection<string> ChannelsOf(string connectionId) =>
        _byConnection.TryRemove(connectionId, out var channels) ? [.. channels.Keys] : [];
}
