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
/// raised once whichever node noticed it.
/// </summary>
internal sealed partial class PresenceTracker(
    IPresenceStore store,
    PublishPipeline pipeline,
    IEnumerable<IChannelLifecycleHandler> handlers,
    IOptions<PresenceOptions> options,
    Diagnostics.ChannelsMetrics metrics,
    ILogger<PresenceTracker> logger)
{
    private readonly IChannelLifecycleHandler[] _handlers = handlers.ToArray();

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

        var result = await store.JoinAsync(channel, member, connectionId, cancellationToken).ConfigureAwait(false);
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

        return await store.GetMembersAsync(channel, cancellationToken).ConfigureAwait(false);
    }

    public async Task LeaveAsync(ChannelName channel, string memberId, string connectionId, string reason, CancellationToken cancellationToken)
    {
        var result = await store.LeaveAsync(channel, memberId, connectionId, cancellationToken).ConfigureAwait(false);
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
            Log.RollbackFailed(logger, ex, channel.Value);
        }
    }

    /// <summary>Renews this node's lease and expires the members of nodes that stopped renewing theirs.</summary>
    public async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        await store.HeartbeatAsync(cancellationToken).ConfigureAwait(false);
        foreach (var expiry in await store.SweepAsync(cancellationToken).ConfigureAwait(false))
        {
            await ReportLeftAsync(expiry.Channel, expiry.Member, expiry.ChannelVacated, "timeout", cancellationToken).ConfigureAwait(false);
        }
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

    private static partial class Log
    {
        [LoggerMessage(30, LogLevel.Error, "Channel lifecycle handler {Handler} threw.")]
        public static partial void HookFailed(ILogger logger, Exception exception, string handler);

        [LoggerMessage(31, LogLevel.Warning, "Undoing the presence join of a failed subscribe to {Channel} failed.")]
        public static partial void RollbackFailed(ILogger logger, Exception exception, string channel);
    }
}
