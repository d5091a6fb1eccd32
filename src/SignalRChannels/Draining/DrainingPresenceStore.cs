using Microsoft.Extensions.Hosting;

namespace SignalRChannels.Draining;

/// <summary>
/// Presence of a node that shuts down gracefully: connections closed by the shutdown leave nothing, so their members
/// stay listed under this node's lease. Users who reconnect to another node before the lease runs out
/// (<see cref="PresenceOptions.MemberTimeout"/> after the last heartbeat) are never seen to leave or join again; the
/// others leave once, reason <c>timeout</c>, when another node sweeps the lease, as after a crash.
/// </summary>
internal sealed class DrainingPresenceStore(IPresenceStore inner, IHostApplicationLifetime lifetime) : IPresenceStore
{
    private static readonly ValueTask<PresenceLeaveResult> s_handedOver = ValueTask.FromResult(new PresenceLeaveResult(null, false));

    public string NodeId => inner.NodeId;

    public ValueTask<PresenceJoinResult> JoinAsync(ChannelName channel, PresenceMember member, string connectionId, CancellationToken cancellationToken) =>
        inner.JoinAsync(channel, member, connectionId, cancellationToken);

    public ValueTask<PresenceLeaveResult> LeaveAsync(ChannelName channel, string memberId, string connectionId, CancellationToken cancellationToken) =>
        lifetime.ApplicationStopping.IsCancellationRequested
            ? s_handedOver
            : inner.LeaveAsync(channel, memberId, connectionId, cancellationToken);

    public ValueTask<IReadOnlyList<PresenceMember>> GetMembersAsync(ChannelName channel, CancellationToken cancellationToken) =>
        inner.GetMembersAsync(channel, cancellationToken);

    public ValueTask<int> GetMemberCountAsync(ChannelName channel, CancellationToken cancellationToken) =>
        inner.GetMemberCountAsync(channel, cancellationToken);

    public ValueTask<bool> HeartbeatAsync(CancellationToken cancellationToken) => inner.HeartbeatAsync(cancellationToken);

    public ValueTask<IReadOnlyList<PresenceExpiry>> SweepAsync(CancellationToken cancellationToken) => inner.SweepAsync(cancellationToken);
}
