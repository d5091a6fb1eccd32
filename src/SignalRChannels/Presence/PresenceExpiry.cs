namespace SignalRChannels;

/// <summary>A member that left a channel because the node holding its last connection stopped heartbeating.</summary>
/// <param name="Channel">The presence channel.</param>
/// <param name="Member">The member, with the info it joined with (raise <c>member:left</c> with reason <c>timeout</c>).</param>
/// <param name="ChannelVacated">Whether the channel has no member left (raise "channel vacated").</param>
public sealed record PresenceExpiry(ChannelName Channel, PresenceMember Member, bool ChannelVacated);
