namespace SignalRChannels.Client;

/// <summary>A (re)subscription succeeded; raised before the events it recovered are delivered.</summary>
/// <param name="position">The last position delivered (or the stream's position for a fresh subscription); <see langword="null"/> without history.</param>
/// <param name="recovered">Whether a resubscription recovered every missed event.</param>
/// <param name="resubscribed">Whether this was a resubscription (after a reconnect).</param>
public sealed class SubscribedEventArgs(StreamPosition? position, bool recovered, bool resubscribed) : EventArgs
{
    /// <summary>The last position delivered, or the stream's position for a fresh subscription; <see langword="null"/> without history.</summary>
    public StreamPosition? Position { get; } = position;

    /// <summary>Whether a resubscription recovered every missed event.</summary>
    public bool Recovered { get; } = recovered;

    /// <summary>Whether this was a resubscription (after a reconnect).</summary>
    public bool Resubscribed { get; } = resubscribed;
}
