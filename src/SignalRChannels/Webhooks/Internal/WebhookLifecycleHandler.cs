namespace SignalRChannels.Webhooks.Internal;

/// <summary>
/// <c>member_added</c> and <c>member_removed</c>: the presence store decides each join and leave once cluster-wide (a
/// dead node's leaves by the one node whose sweep claims it), and the node it told reports it here. Channel occupancy
/// comes from the subscription counts instead (every kind of channel), so the presence hooks for it are not used.
/// </summary>
internal sealed class WebhookLifecycleHandler(WebhookQueue webhooks) : IChannelLifecycleHandler
{
    public ValueTask OnMemberJoinedAsync(ChannelName channel, PresenceMember member, CancellationToken cancellationToken)
    {
        webhooks.MemberAdded(channel, member.Id);
        return default;
    }

    public ValueTask OnMemberLeftAsync(ChannelName channel, PresenceMember member, string reason, CancellationToken cancellationToken)
    {
        webhooks.MemberRemoved(channel, member.Id);
        return default;
    }
}
