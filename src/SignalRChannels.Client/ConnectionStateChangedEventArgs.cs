namespace SignalRChannels.Client;

/// <summary>Describes a change of <see cref="ChannelsClient.State"/>.</summary>
/// <param name="previous">The state before the change.</param>
/// <param name="current">The state after the change.</param>
/// <param name="error">Why the connection was lost, when it was.</param>
public sealed class ConnectionStateChangedEventArgs(ConnectionState previous, ConnectionState current, Exception? error) : EventArgs
{
    /// <summary>The state before the change.</summary>
    public ConnectionState Previous { get; } = previous;

    /// <summary>The state after the change.</summary>
    public ConnectionState Current { get; } = current;

    /// <summary>Why the connection was lost, when it was; otherwise <see langword="null"/>.</summary>
    public Exception? Error { get; } = error;
}
