namespace SignalRChannels.Client;

/// <summary>A user joined a presence channel (their first connection subscribed).</summary>
/// <param name="member">The member.</param>
public sealed class PresenceMemberEventArgs(PresenceMember member) : EventArgs
{
    /// <summary>The member.</summary>
    public PresenceMember Member { get; } = member;
}
