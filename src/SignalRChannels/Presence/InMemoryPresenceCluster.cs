namespace SignalRChannels.Presence;

/// <summary>
/// The shared state behind <see cref="InMemoryPresenceStore"/>s: one per process by default; several stores
/// (nodes) share one in tests to simulate a cluster, including a node that dies.
/// </summary>
/// <remarks>One lock guards everything, so every operation is atomic, and a dead node is claimed by one sweep only.</remarks>
internal sealed class InMemoryPresenceCluster
{
    private static readonly PresenceJoinResult s_notJoined = new(false, false);
    private static readonly PresenceJoinResult s_joined = new(true, false);
    private static readonly PresenceJoinResult s_joinedAndOccupied = new(true, true);
    private static readonly PresenceLeaveResult s_notLeft = new(null, false);

    private readonly Lock _gate = new();
    private readonly Dictionary<ChannelName, ChannelState> _channels = [];
    private readonly Dictionary<string, NodeState> _nodes = new(StringComparer.Ordinal);

    public PresenceJoinResult Join(string nodeId, DateTimeOffset now, ChannelName channel, PresenceMember member, string connectionId)
    {
        lock (_gate)
        {
            if (!_channels.TryGetValue(channel, out var state))
            {
                state = new ChannelState();
                _channels.Add(channel, state);
            }

            if (!state.Connections.TryAdd(connectionId, new ConnectionState(member.Id, nodeId)))
            {
                return s_notJoined;
            }

            // A join never renews a lease (only heartbeats do), but a node's first join starts one, so its
            // connections are swept even if it dies before its first heartbeat.
            if (!_nodes.TryGetValue(nodeId, out var node))
            {
                node = new NodeState(now);
                _nodes.Add(nodeId, node);
            }

            node.Connections.Add((channel, connectionId));
            if (state.Members.TryGetValue(member.Id, out var existing))
            {
                existing.Connections++;
                return s_notJoined;
            }

            state.Members.Add(member.Id, new MemberState(member));
            return state.Members.Count == 1 ? s_joinedAndOccupied : s_joined;
        }
    }

    public PresenceLeaveResult Leave(ChannelName channel, string connectionId)
    {
        lock (_gate)
        {
            if (!_channels.TryGetValue(channel, out var state) || !state.Connections.Remove(connectionId, out var connection))
            {
                return s_notLeft;
            }

            if (_nodes.TryGetValue(connection.NodeId, out var node))
            {
                node.Connections.Remove((channel, connectionId));
            }

            var left = RemoveConnection(channel, state, connection.MemberId);
            return left is null ? s_notLeft : new PresenceLeaveResult(left, state.Members.Count == 0);
        }
    }

    public IReadOnlyList<PresenceMember> GetMembers(ChannelName channel)
    {
        lock (_gate)
        {
            return _channels.TryGetValue(channel, out var state)
                ? state.Members.Values.Select(m => m.Member).ToArray()
                : [];
        }
    }

    public int GetMemberCount(ChannelName channel)
    {
        lock (_gate)
        {
            return _channels.TryGetValue(channel, out var state) ? state.Members.Count : 0;
        }
    }

    /// <summary>Renews a node's lease; reports whether a heartbeat had renewed it before (not a join, not a sweep since).</summary>
    public bool Heartbeat(string nodeId, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(nodeId, out var node))
            {
                node = new NodeState(now);
                _nodes.Add(nodeId, node);
            }

            var held = node.Renewed;
            node.Lease = now;
            node.Renewed = true;
            return held;
        }
    }

    public IReadOnlyList<PresenceExpiry> Sweep(string sweeperNodeId, DateTimeOffset cutoff)
    {
        lock (_gate)
        {
            List<PresenceExpiry>? expiries = null;
            foreach (var (nodeId, node) in _nodes.Where(n => n.Value.Lease < cutoff && n.Key != sweeperNodeId).ToArray())
            {
                // Removing the node under the lock is the claim: no other sweep sees it again.
                _nodes.Remove(nodeId);
                foreach (var (channel, connectionId) in node.Connections)
                {
                    if (_channels.TryGetValue(channel, out var state)
                        && state.Connections.Remove(connectionId, out var connection)
                        && RemoveConnection(channel, state, connection.MemberId) is { } left)
                    {
                        (expiries ??= []).Add(new PresenceExpiry(channel, left, state.Members.Count == 0));
                    }
                }
            }

            return expiries is null ? [] : expiries;
        }
    }

    private PresenceMember? RemoveConnection(ChannelName channel, ChannelState state, string memberId)
    {
        if (!state.Members.TryGetValue(memberId, out var member) || --member.Connections > 0)
        {
            return null;
        }

        state.Members.Remove(memberId);
        if (state.Members.Count == 0)
        {
            _channels.Remove(channel);
        }

        return member.Member;
    }

    private sealed class ChannelState
    {
        public Dictionary<string, ConnectionState> Connections { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, MemberState> Members { get; } = new(StringComparer.Ordinal);
    }

    private sealed record ConnectionState(string MemberId, string NodeId);

    private sealed class MemberState(PresenceMember member)
    {
        public PresenceMember Member { get; } = member;

        public int Connections { get; set; } = 1;
    }

    private sealed class NodeState(DateTimeOffset lease)
    {
        public DateTimeOffset Lease { get; set; } = lease;

        /// <summary>Whether a heartbeat renewed the lease (a join only starts one).</summary>
        public bool Renewed { get; set; }

        public HashSet<(ChannelName Channel, string ConnectionId)> Connections { get; } = [];
    }
}
