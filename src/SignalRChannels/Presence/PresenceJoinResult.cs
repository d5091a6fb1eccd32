namespace SignalRChannels;

/// <summary>The outcome of <see cref="IPresenceStore.JoinAsync"/>.</summary>
/// <param name="MemberJoined">Whether this was the member's first connection in the channel, cluster-wide (raise <c>member:joined</c>).</param>
/// <param name="ChannelOccupied">Whether the member is the channel's first (raise "channel occupied").</param>
public sealed record PresenceJoinResult(bool MemberJoined, bool ChannelOccupied);
