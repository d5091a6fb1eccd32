using Microsoft.Extensions.Options;

namespace SignalRChannels.Presence;

/// <summary>
/// The default presence store: one node, in process memory. Leases and sweeps work as on Redis, on the
/// <see cref="InMemoryPresenceCluster"/> the store shares with other stores (tests only).
/// </summary>
internal sealed class InMemoryPresenceStore : IPresenceStore
{
    private readonly PresenceOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly InMemoryPresenceCluster _cluster;
    private bool _renewed;

    public InMemoryPresenceStore(IOptions<PresenceOptions> options, TimeProvider timeProvider)
        : this(options.Value, timeProvider, new InMemoryPresenceCluster())
    {
    }

    internal InMemoryPresenceStore(PresenceOptions options, TimeProvider timeProvider, InMemoryPresenceCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(cluster);
        _options = PresenceOptionsValidator.ThrowIfInvalid(options);
        _timeProvider = timeProvider;
        _cluster = cluster;
    }

    public string NodeId => _options.NodeId;

    public ValueTask<PresenceJoinResult> JoinAsync(ChannelName channel, PresenceMember member, string connectionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        cancellationToken.ThrowIfCancellationRequested();
        PresenceMemberInfo.ToUtf8(member, _options.MaxMemberInfoBytes);
        return ValueTask.FromResult(_cluster.Join(NodeId, _timeProvider.GetUtcNow(), channel, member, connectionId));
    }

    public ValueTask<PresenceLeaveResult> LeaveAsync(ChannelName channel, string memberId, string connectionId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(memberId);
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_cluster.Leave(channel, connectionId));
    }

    public ValueTask<IReadOnlyList<PresenceMember>> GetMembersAsync(ChannelName channel, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_cluster.GetMembers(channel));
    }

    public ValueTask<int> GetMemberCountAsync(ChannelName channel, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_cluster.GetMemberCount(channel));
    }

    public ValueTask<bool> HeartbeatAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var held = _cluster.Heartbeat(NodeId, _timeProvider.GetUtcNow());
        var first = !_renewed;
        _renewed = true;
        return ValueTask.FromResult(held || first);
    }

    public ValueTask<IReadOnlyList<PresenceExpiry>> SweepAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_cluster.Sweep(NodeId, _timeProvider.GetUtcNow() - _options.MemberTimeout));
    }
}
