namespace SignalRChannels;

/// <summary>The outcome of <see cref="IPresenceStore.LeaveAsync"/>.</summary>
/// <param name="MemberLeft">The member, with the info it joined with, when this was its last connection in the channel (raise <c>member:left</c>); otherwise <see langword="null"/>.</param>
/// <param name="ChannelVacated">Whether the channel has no member left (raise "channel vacated").</param>
public sealed record PresenceLeaveResult(PresenceMember? MemberLeft, bool ChannelVacated);
