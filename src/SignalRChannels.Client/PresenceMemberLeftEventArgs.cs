namespace SignalRChannels.Client;

/// <summary>A user left a presence channel (their last connection went).</summary>
/// <param name="member">The member.</param>
/// <param name="reason">Why: <c>left</c>, <c>disconnected</c> or <c>timeout</c> (the node that held the member died).</param>
public sealed class PresenceMemberLeftEventArgs(PresenceMember member, string reason) : EventArgs
{
    /// <summary>The member.</summary>
    public PresenceMember Member { get; } = member;

    /// <summary>Why the member left: <c>left</c>, <c>disconnected</c> or <c>timeout</c>.</summary>
    public string Reason { get; } = reason;
}
