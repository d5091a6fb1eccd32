namespace SignalRChannels;

/// <summary>
/// One channel to publish to, optionally leaving out one connection. Returned by <see cref="IChannelBroadcaster.Channel"/>.
/// </summary>
public readonly struct ChannelTarget
{
    private readonly IChannelBroadcaster _broadcaster;
    private readonly string? _excludedConnectionId;

    internal ChannelTarget(IChannelBroadcaster broadcaster, string channel, string? excludedConnectionId)
    {
        _broadcaster = broadcaster;
        Name = channel;
        _excludedConnectionId = excludedConnectionId;
    }

    /// <summary>The full channel name.</summary>
    public string Name { get; }

    /// <summary>Leaves out one connection (Laravel's <c>toOthers()</c>), for example the caller of a hub method.</summary>
    /// <param name="connectionId">The connection to leave out; <see langword="null"/> leaves out nobody.</param>
    /// <returns>A target that leaves out <paramref name="connectionId"/>.</returns>
    public ChannelTarget ToOthers(string? connectionId) => new(_broadcaster, Name, connectionId);

    /// <summary>Publishes an event to the channel.</summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="data">The payload.</param>
    /// <param name="cancellationToken">Cancels the publish.</param>
    /// <returns>A task that completes when the event has been handed to the fan-out.</returns>
    public Task PublishAsync(string eventName, object? data, CancellationToken cancellationToken = default) =>
        _broadcaster.PublishAsync(Name, eventName, data, _excludedConnectionId, cancellationToken);
}
