namespace SignalRChannels.Pipeline;

/// <summary>
/// A history store that can also hand the events it appends to SignalR's Redis backplane, in the same call: one Redis
/// round trip per history publish instead of two (append, then the backplane's <c>PUBLISH</c>), and the events leave
/// Redis in offset order because the script that stores them also publishes them.
/// </summary>
internal interface IAppendAndPublish
{
    /// <summary>Whether the backplane's message format was checked on this node and the path is on.</summary>
    bool CanPublish { get; }

    /// <summary>
    /// Appends <paramref name="events"/> in order and publishes each to the channel's SignalR group on the backplane,
    /// excluding its connection in <paramref name="excludedConnectionIds"/> (same index), as the group send would.
    /// </summary>
    /// <returns>The stored events with their positions, and whether they were published (when not, the caller sends them).</returns>
    ValueTask<(IReadOnlyList<ChannelEvent> Events, bool Published)> AppendAndPublishAsync(
        ChannelName channel,
        IReadOnlyList<ChannelEvent> events,
        IReadOnlyList<string?> excludedConnectionIds,
        HistoryPolicy policy,
        CancellationToken cancellationToken);
}
