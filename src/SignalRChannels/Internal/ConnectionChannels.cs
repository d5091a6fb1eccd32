using System.Security.Claims;

namespace SignalRChannels.Internal;

/// <summary>The subscriptions of one connection. Methods are thread-safe.</summary>
internal sealed class ConnectionChannels(string connectionId, ClaimsPrincipal? user)
{
    private readonly HashSet<ChannelName> _channels = [];

    public string ConnectionId { get; } = connectionId;

    public ClaimsPrincipal? User { get; } = user;

    public int Count
    {
        get
        {
            lock (_channels)
            {
                return _channels.Count;
            }
        }
    }

    public bool Contains(ChannelName channel)
    {
        lock (_channels)
        {
            return _channels.Contains(channel);
        }
    }

    /// <summary>Adds a subscription unless the limit is reached; re-adding an existing one succeeds.</summary>
    public bool TryAdd(ChannelName channel, int limit)
    {
        lock (_channels)
        {
            return _channels.Contains(channel) || (_channels.Count < limit && _channels.Add(channel));
        }
    }

    public bool Remove(ChannelName channel)
    {
        lock (_channels)
        {
            return _channels.Remove(channel);
        }
    }

    public ChannelName[] RemoveAll()
    {
        lock (_channels)
        {
            var all = _channels.ToArray();
            _channels.Clear();
            return all;
        }
    }

    public ChannelName[] Snapshot()
    {
        lock (_channels)
        {
            return _channels.ToArray();
        }
    }
}
