using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SignalRChannels.Internal;
using SignalRChannels.Pipeline;

namespace SignalRChannels.Presence;

/// <summary>
/// Turns presence store changes into <c>member:joined</c> / <c>member:left</c> events and lifecycle hooks.
/// The store decides, atomically and cluster-wide, whether a change is a join or a leave, so each event is
/// raised once whichever node noticed it. A leave the store cannot take now (Redis away) is kept and applied at a
/// later heartbeat, once the store answers again: every leave is eventually applied, whatever failed in between.
/// </summary>
internal sealed partial class PresenceTracker(
    IPresenceStore store,
    PublishPipeline pipeline,
    IEnumerable<IChannelLifecycleHandler> handlers,
    Subscriptions.ConnectionRegistry connections,
    IOptions<PresenceOptions> options,
    Diagnostics.ChannelsMetrics metrics,
    ILogger<PresenceTracker> logger)
{
    private readonly IChannelLifecycleHandler[] _handlers = handlers.ToArray();
    private readonly ConcurrentQueue<PendingLeave> _pendingLeaves = new();
    private readonly ConcurrentDictionary<(ChannelName Channel, string ConnectionId), PendingLeave> _pendingByEntry = new();

    // Heartbeats run one at a time (PresenceHeartbeatService), so these need no lock.
    private bool _reconnected;
    private int _sweepHoldoff;

    private int HeartbeatsPerMemberTimeout =>
        (int)Math.Ceiling(options.Value.MemberTimeout.TotalMilliseconds / options.Value.HeartbeatInterval.TotalMilliseconds);

    /// <summary>How many leaves wait for the store to answer again.</summary>
    public int PendingLeaveCount => _pendingByEntry.Count;

    public IPresenceStore Store => store;

    /// <summary>Adds a connection's member and returns the channel's members, the new one included.</summary>
    public async Task<IReadOnlyList<PresenceMember>> JoinAsync(ChannelName channel, PresenceMember member, string connectionId, CancellationToken cancellationToken)
    {
        var infoBytes = Encoding.UTF8.GetByteCount(member.Info.ValueKind == JsonValueKind.Undefined ? "null" : member.Info.GetRawText());
        if (infoBytes > options.Value.MaxMemberInfoBytes)
        {
            throw new ChannelException(
                ChannelErrorCodes.PayloadTooLarge,
                $"the member info is {infoBytes} bytes; the limit is {options.Value.MaxMemberInfoBytes}");
        }

        // A leave of this very entry still waiting from an outage must not undo the join that follows it.
        if (_pendingByEntry.TryRemove((channel, connectionId), out var stale))
        {
            stale.Cancelled = true;
        }

        var result = await store.JoinAsync(channel, member, connectionId, cancellationToken).ConfigureAwait(false);
        await ReportJoinedAsync(channel, member, connectionId, result, cancellationToken).ConfigureAwait(false);
        return await store.GetMembersAsync(channel, cancellationToken).ConfigureAwait(false);
    }

    private async Task ReportJoinedAsync(ChannelName channel, PresenceMember member, string connectionId, PresenceJoinResult result, CancellationToken cancellationToken)
    {
        if (result.ChannelOccupied)
        {
            await RaiseAsync(h => h.OnChannelOccupiedAsync(channel, cancellationToken)).ConfigureAwait(false);
        }

        if (result.MemberJoined)
        {
            metrics.PresenceChanged("joined");
            // The joiner learns the members from the Subscribe result; the others get the event.
            await pipeline.PublishAsync(channel, EventNames.MemberJoined, EventPayload.ToElement(member), from: null, connectionId, cancellationToken, persist: false)
                .ConfigureAwait(false);
            await RaiseAsync(h => h.OnMemberJoinedAsync(channel, member, cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Removes a connection's member. When the store cannot be reached, the leave is kept and retried at every
    /// heartbeat until the store takes it (its <c>member:left</c> is raised then); the caller is not failed for it.
    /// </summary>
    public async Task LeaveAsync(ChannelName channel, string memberId, string connectionId, string reason, CancellationToken cancellationToken)
    {
        PresenceLeaveResult result;
        try
        {
            result = await store.LeaveAsync(channel, memberId, connectionId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.LeaveDeferred(logger, ex, channel.Value);
            var pending = new PendingLeave(channel, memberId, connectionId, reason);
            _pendingByEntry[(channel, connectionId)] = pending;
            _pendingLeaves.Enqueue(pending);
            return;
        }

        await ReportLeftAsync(channel, result.MemberLeft, result.ChannelVacated, reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Undoes a join whose subscribe failed after the store accepted it; a failure here is logged, not thrown, so
    /// the subscribe's own error reaches the client.
    /// </summary>
    public async Task TryLeaveAsync(ChannelName channel, string memberId, string connectionId)
    {
        try
        {
            await LeaveAsync(channel, memberId, connectionId, "left", CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The store leave itself is kept for later by LeaveAsync; this is the member:left publish failing.
            Log.RollbackFailed(logger, ex, channel.Value);
        }
    }

    /// <summary>
    /// Renews this node's lease and expires the members of nodes that stopped renewing theirs. After this node could not
    /// reach the store, it sweeps no other node for one <see cref="PresenceOptions.MemberTimeout"/>: a store outage stops
    /// every node's renewals, not only a dead node's, and live nodes need that long to renew once the store is back
    /// (sweeping them would drop members who are still connected). A node that did die is swept one timeout later.
    /// </summary>
    public async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        bool held;
        try
        {
            held = await store.HeartbeatAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            _reconnected = true;
            throw;
        }

        if (_reconnected || !held)
        {
            _reconnected = false;
            _sweepHoldoff = HeartbeatsPerMemberTimeout;
        }

        if (!held)
        {
            await RejoinAsync(cancellationToken).ConfigureAwait(false);
        }

        await ApplyPendingLeavesAsync(cancellationToken).ConfigureAwait(false);
        if (_sweepHoldoff > 0)
        {
            _sweepHoldoff--;
            return;
        }

        foreach (var expiry in await store.SweepAsync(cancellationToken).ConfigureAwait(false))
        {
            await ReportLeftAsync(expiry.Channel, expiry.Member, expiry.ChannelVacated, "timeout", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Joins every live presence subscription of this node again, after the store lost the node's lease (a Redis restart
    /// without persistence, or a sweep while this node could not renew). Joins are idempotent: entries the store still
    /// has change nothing; a member the store had lost is reported joined again (clients already listing it keep one).
    /// Each connection is joined under its operation lock, so an unsubscribe or a disconnect in flight is not undone.
    /// </summary>
    private async Task RejoinAsync(CancellationToken cancellationToken)
    {
        var rejoined = 0;
        foreach (var connection in connections.All())
        {
            using var operation = await connection.LockAsync(cancellationToken).ConfigureAwait(false);
            if (!connections.TryGet(connection.ConnectionId, out var live) || !ReferenceEquals(live, connection))
            {
                continue;
            }

            foreach (var (channel, member) in connection.PresenceSubscriptions())
            {
                var result = await store.JoinAsync(channel, member, connection.ConnectionId, cancellationToken).ConfigureAwait(false);
                await ReportJoinedAsync(channel, member, connection.ConnectionId, result, cancellationToken).ConfigureAwait(false);
                rejoined++;
            }
        }

        Log.Rejoined(logger, rejoined);
    }

    /// <summary>Applies the leaves kept from an outage, oldest first; stops at the first the store still refuses.</summary>
    private async Task ApplyPendingLeavesAsync(CancellationToken cancellationToken)
    {
        while (_pendingLeaves.TryPeek(out var pending))
        {
            if (pending.Cancelled)
            {
                _pendingLeaves.TryDequeue(out _);
                continue;
            }

            var result = await LeaveUnlessCancelledAsync(pending, cancellationToken).ConfigureAwait(false);
            _pendingLeaves.TryDequeue(out _);
            _pendingByEntry.TryRemove(KeyValuePair.Create((pending.Channel, pending.ConnectionId), pending));
            if (result is not null)
            {
                await ReportLeftAsync(pending.Channel, result.MemberLeft, result.ChannelVacated, pending.Reason, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Applies a kept leave. While its connection is still here, under the connection's operation lock: a subscribe of the
    /// same channel (which cancels the leave) runs under that lock too, so the leave can never land after that join and
    /// undo it — the join would be lost with the member still connected.
    /// </summary>
    private async Task<PresenceLeaveResult?> LeaveUnlessCancelledAsync(PendingLeave pending, CancellationToken cancellationToken)
    {
        if (!connections.TryGet(pending.ConnectionId, out var connection))
        {
            return await store.LeaveAsync(pending.Channel, pending.MemberId, pending.ConnectionId, cancellationToken).ConfigureAwait(false);
        }

        using var operation = await connection.LockAsync(cancellationToken).ConfigureAwait(false);
        return pending.Cancelled
            ? null
            : await store.LeaveAsync(pending.Channel, pending.MemberId, pending.ConnectionId, cancellationToken).ConfigureAwait(false);
    }

    private async Task ReportLeftAsync(ChannelName channel, PresenceMember? member, bool vacated, string reason, CancellationToken cancellationToken)
    {
        if (member is not null)
        {
            metrics.PresenceChanged("left", reason);
            var data = EventPayload.ToElement(new { id = member.Id, info = member.Info, reason });
            await pipeline.PublishAsync(channel, EventNames.MemberLeft, data, from: null, excludedConnectionId: null, cancellationToken, persist: false)
                .ConfigureAwait(false);
            await RaiseAsync(h => h.OnMemberLeftAsync(channel, member, reason, cancellationToken)).ConfigureAwait(false);
        }

        if (vacated)
        {
            await RaiseAsync(h => h.OnChannelVacatedAsync(channel, cancellationToken)).ConfigureAwait(false);
        }
    }

    private async Task RaiseAsync(Func<IChannelLifecycleHandler, ValueTask> hook)
    {
        foreach (var handler in _handlers)
        {
            try
            {
                await hook(handler).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // A failing app hook must not break presence for everyone else.
                Log.HookFailed(logger, ex, handler.GetType().Name);
            }
        }
    }

    private sealed record PendingLeave(ChannelName Channel, string MemberId, string ConnectionId, string Reason)
    {
        public volatile bool Cancelled;
    }

    private static partial class Log
    {
        [LoggerMessage(30, LogLevel.Error, "Channel lifecycle handler {Handler} threw.")]
        public static partial void HookFailed(ILogger logger, Exception exception, string handler);

        [LoggerMessage(32, LogLevel.Warning, "The presence store did not take a leave of {Channel}; it is kept and applied when the store answers again.")]
        public static partial void LeaveDeferred(ILogger logger, Exception exception, string channel);

        [LoggerMessage(33, LogLevel.Warning, "The presence store lost this node's lease; joined its {Count} presence subscriptions again.")]
        public static partial void Rejoined(ILogger logger, int count);

        [LoggerMessage(31, LogLevel.Warning, "Undoing the presence join of a failed subscribe to {Channel} failed.")]
        public static partial void RollbackFailed(ILogger logger, Exception exception, string channel);
    }
}
