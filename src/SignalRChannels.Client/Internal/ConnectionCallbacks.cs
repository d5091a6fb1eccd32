namespace SignalRChannels.Client.Internal;

/// <summary>What <see cref="ConnectionLifecycle"/> asks of its client.</summary>
/// <param name="Connected">Runs after each connect (heartbeats, resubscription); the connect completes when it does.</param>
/// <param name="Suspended">Runs when the connection closes or is stopped (heartbeats stop, subscriptions suspend).</param>
/// <param name="StateChanged">Raises the client's <see cref="ChannelsClient.StateChanged"/>.</param>
internal sealed record ConnectionCallbacks(
    Func<Task> Connected,
    Action Suspended,
    Action<ConnectionStateChangedEventArgs> StateChanged);
