namespace SignalRChannels.Query;

/// <summary>
/// This node's occupancy, exact and in memory: its connections, each channel's subscription count, and each user's
/// connections. Every change is also handed, in order and under the same lock, to the <see cref="IOccupancySink"/>
/// (Redis when scaled out), so a snapshot is always consistent with what the sink was given.
/// </summary>
internal sealed class NodeOccupancy
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ChannelName, long> _channels = [];
    private readonly Dictionary<string, Dictionary<string, ChannelsConnectionInfo>> _users = new(StringComparer.Ordinal);
    private readonly IOccupancySink? _sink;
    private readonly IOccupancyTransitions? _transitions;
    private long _connections;

    /// <param name="sinks">The sink, if scaled out (the last one wins).</param>
    /// <param name="metrics">Observes the occupied channels.</param>
    /// <param name="transitions">
    /// Told when a channel is occupied or vacated, when there is no sink: this node's counts are then the whole truth.
    /// With a sink, the sink decides the cluster-wide transitions instead.
    /// </param>
    public NodeOccupancy(IEnumerable<IOccupancySink> sinks, Diagnostics.ChannelsMetrics? metrics = null, IOccupancyTransitions? transitions = null)
    {
        _sink = sinks.LastOrDefault();
        _sink?.Attach(this);
        _transitions = _sink is null && transitions is { Enabled: true } ? transitions : null;
        metrics?.ObserveOccupiedChannels(() =>
        {
            lock (_gate)
            {
                return _channels.Count;
            }
        });
    }

    public long Connections => Interlocked.Read(ref _connections);

    public Task ConnectedAsync(ChannelsConnectionInfo connection)
    {
        lock (_gate)
        {
            _connections++;
            if (connection.UserId is { } userId)
            {
                if (!_users.TryGetValue(userId, out var connections))
                {
                    _users[userId] = connections = new(StringComparer.Ordinal);
                }

                connections[connection.ConnectionId] = connection;
            }

            return _sink?.Enqueue(OccupancyChange.Connected(connection)) ?? Task.CompletedTask;
        }
    }

    /// <summary>Removes a connection and the subscriptions it still had.</summary>
    public Task DisconnectedAsync(ChannelsConnectionInfo connection, IReadOnlyCollection<ChannelName> channels)
    {
        lock (_gate)
        {
            var written = Task.CompletedTask;
            foreach (var channel in channels)
            {
                written = Change(channel, -1);
            }

            _connections--;
            if (connection.UserId is { } userId && _users.TryGetValue(userId, out var connections)
                && connections.Remove(connection.ConnectionId) && connections.Count == 0)
            {
                _users.Remove(userId);
            }

            return _sink?.Enqueue(OccupancyChange.Disconnected(connection)) ?? written;
        }
    }

    public Task SubscribedAsync(ChannelName channel)
    {
        lock (_gate)
        {
            return Change(channel, 1);
        }
    }

    public Task UnsubscribedAsync(ChannelName channel)
    {
        lock (_gate)
        {
            return Change(channel, -1);
        }
    }

    /// <summary>
    /// Lets the sink check, at constant cost, that what it stored still matches (see <see cref="IOccupancySink.EnqueueCheck"/>).
    /// The task completes when the check (and any rewrite it caused) is done; it never faults.
    /// </summary>
    public Task CheckAsync()
    {
        lock (_gate)
        {
            return _sink?.EnqueueCheck(_connections) ?? Task.CompletedTask;
        }
    }

    public long SubscriptionsOf(ChannelName channel)
    {
        lock (_gate)
        {
            return _channels.GetValueOrDefault(channel);
        }
    }

    public List<ChannelOccupancy> Occupied(string? prefix)
    {
        lock (_gate)
        {
            return _channels
                .Where(c => string.IsNullOrEmpty(prefix) || c.Key.Value.StartsWith(prefix, StringComparison.Ordinal))
                .Select(c => new ChannelOccupancy { Channel = c.Key.Value, SubscriptionCount = c.Value })
                .ToList();
        }
    }

    public ChannelsConnectionInfo[] ConnectionsOf(string userId)
    {
        lock (_gate)
        {
            return _users.TryGetValue(userId, out var connections) ? connections.Values.ToArray() : [];
        }
    }

    /// <summary>Everything, at one instant; <paramref name="atSnapshot"/> runs under the lock, so no change slips between.</summary>
    public OccupancySnapshot Snapshot(Action atSnapshot)
    {
        lock (_gate)
        {
            atSnapshot();
            return new OccupancySnapshot(
                _connections,
                _channels.ToArray(),
                _users.Select(u => KeyValuePair.Create(u.Key, u.Value.Values.ToArray())).ToArray());
        }
    }

    private Task Change(ChannelName channel, int delta)
    {
        var before = _channels.GetValueOrDefault(channel);
        var count = before + delta;
        if (count > 0)
        {
            _channels[channel] = count;
        }
        else
        {
            _channels.Remove(channel);
        }

        if (_transitions is not null && (before > 0) != (count > 0))
        {
            if (count > 0)
            {
                _transitions.Occupied(channel);
            }
            else
            {
                _transitions.Vacated(channel);
            }
        }

        return _sink?.Enqueue(OccupancyChange.Subscriptions(channel, delta)) ?? Task.CompletedTask;
    }
}
