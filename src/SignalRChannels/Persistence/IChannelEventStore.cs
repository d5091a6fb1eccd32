namespace SignalRChannels;

/// <summary>
/// Keeps the recent events of history-enabled channels, so subscribers can read them and a resubscribing
/// client can recover what it missed. The in-memory store is the single-node default; the Redis store
/// replaces it for scale-out.
/// </summary>
/// <remarks>
/// <para>Guarantees every implementation gives (and <c>ChannelEventStoreSpecification</c> checks):</para>
/// <list type="bullet">
/// <item><description>A channel's events form a stream. Each appended event gets the next offset: offsets are
/// contiguous per channel (1, 2, 3, …), unique even when several tasks or nodes append at once, and they never
/// go back within one epoch.</description></item>
/// <item><description>A stream has an epoch, a short opaque string. It stays the same while the stream lives and
/// changes when the stream is lost (its TTL lapsed, Redis was flushed or restarted, the process restarted), so
/// an offset is meaningful only together with its epoch. A lost stream starts over at offset 1.</description></item>
/// <item><description>A stream keeps its newest <see cref="HistoryPolicy.Size"/> events and expires when no event
/// is appended for <see cref="HistoryPolicy.Ttl"/> (the policy of the latest append applies).</description></item>
/// <item><description>An append is idempotent by event id: an event whose <see cref="ChannelEvent.Id"/> equals that of
/// one of the last <see cref="ChannelEventIds.Remembered"/> events appended to the stream with an id is not appended
/// again; the call returns that event's position (a queue worker that retries after a failed send or a crash mid-send,
/// or two workers that both hold the event). Events without an id are always appended.</description></item>
/// <item><description>Recovery is all or nothing: every missed event in offset order, or none.</description></item>
/// <item><description>A channel that has no events yet still has a position, offset 0 and an epoch, and that
/// epoch is the one its first event gets, provided the first event comes within <see cref="StreamEpoch.EmptyStreamTtl"/>
/// of the last time the position was read. Past that, nothing of the channel is kept.</description></item>
/// </list>
/// <para>Methods may be called concurrently. Cancellation is honoured before the store starts work; once an
/// append has been sent it completes, so a cancelled caller never leaves a half-written event.</para>
/// </remarks>
public interface IChannelEventStore
{
    /// <summary>
    /// Appends an event to a channel's stream: assigns it the next offset and the stream's epoch, trims the stream
    /// to <see cref="HistoryPolicy.Size"/> and restarts its <see cref="HistoryPolicy.Ttl"/>.
    /// </summary>
    /// <param name="channel">The channel.</param>
    /// <param name="channelEvent">The event; its <see cref="ChannelEvent.Offset"/> and <see cref="ChannelEvent.Epoch"/> are ignored.</param>
    /// <param name="policy">The channel's history policy.</param>
    /// <param name="cancellationToken">Cancels before the append starts.</param>
    /// <returns>A copy of the event with its <see cref="ChannelEvent.Offset"/> and <see cref="ChannelEvent.Epoch"/> set.</returns>
    ValueTask<ChannelEvent> AppendAsync(ChannelName channel, ChannelEvent channelEvent, HistoryPolicy policy, CancellationToken cancellationToken);

    /// <summary>
    /// Appends like <see cref="AppendAsync(ChannelName, ChannelEvent, HistoryPolicy, CancellationToken)"/> and also
    /// reports, for each of <paramref name="names"/>, an offset of this epoch before the new event such that no event
    /// with that name lies strictly between it and the new event: the offset of the newest earlier event with that
    /// name, or a lower one when the store does not know it (0 at the latest). Publishes to channels with filtered
    /// subscribers use it to set <see cref="ChannelEvent.PrevOffset"/>, which lets those clients tell filtered-out
    /// offsets from lost ones.
    /// </summary>
    /// <remarks>
    /// The default implementation appends and reports the new offset minus one for every name: always correct, but a
    /// filtered client then checks every hole against history. The built-in stores report the newest earlier offset.
    /// </remarks>
    /// <param name="channel">The channel.</param>
    /// <param name="channelEvent">The event, as for the other overload.</param>
    /// <param name="policy">The channel's history policy.</param>
    /// <param name="names">The event names to report on.</param>
    /// <param name="cancellationToken">Cancels before the append starts.</param>
    /// <returns>The appended event, and one offset per name, in the order of <paramref name="names"/>.</returns>
    async ValueTask<(ChannelEvent Event, long[] PreviousOffsets)> AppendAsync(
        ChannelName channel, ChannelEvent channelEvent, HistoryPolicy policy, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(names);
        var appended = await AppendAsync(channel, channelEvent, policy, cancellationToken).ConfigureAwait(false);
        var previous = new long[names.Count];
        Array.Fill(previous, appended.Offset!.Value - 1);
        return (appended, previous);
    }

    /// <summary>
    /// Appends several events to a channel's stream, in order, each as <see cref="AppendAsync(ChannelName, ChannelEvent, HistoryPolicy, CancellationToken)"/> would (ids included).
    /// A store that can do it in one step overrides this (the Redis store: one script call); the default appends them
    /// one after another. The queue worker uses it for a channel's waiting events.
    /// </summary>
    /// <param name="channel">The channel.</param>
    /// <param name="channelEvents">The events, oldest first.</param>
    /// <param name="policy">The channel's history policy.</param>
    /// <param name="cancellationToken">Cancels before the append starts.</param>
    /// <returns>Copies of the events with their positions, in the same order.</returns>
    async ValueTask<IReadOnlyList<ChannelEvent>> AppendManyAsync(
        ChannelName channel, IReadOnlyList<ChannelEvent> channelEvents, HistoryPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channelEvents);
        var appended = new ChannelEvent[channelEvents.Count];
        for (var i = 0; i < appended.Length; i++)
        {
            appended[i] = await AppendAsync(channel, channelEvents[i], policy, cancellationToken).ConfigureAwait(false);
        }

        return appended;
    }

    /// <summary>
    /// Reads retained events after <see cref="HistoryQuery.Since"/> (exclusive), oldest first, or newest first when
    /// <see cref="HistoryQuery.Reverse"/> is set; at most <see cref="HistoryQuery.Limit"/> of them.
    /// </summary>
    /// <param name="channel">The channel.</param>
    /// <param name="query">What to read.</param>
    /// <param name="cancellationToken">Cancels before the read starts.</param>
    /// <returns>
    /// The stream's current position and the events. When <see cref="HistoryQuery.Since"/> carries an epoch other
    /// than the stream's, its offset means nothing in this stream and the page has no events.
    /// </returns>
    ValueTask<HistoryPage> ReadAsync(ChannelName channel, HistoryQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Recovers what a resubscribing client missed since a position it saw: every event after it, in offset order,
    /// with <see cref="RecoveryResult.Recovered"/> set; or no events and <see cref="RecoveryResult.Recovered"/> clear
    /// when the epoch differs (or is missing), the position is ahead of the stream, an event after it is no longer
    /// retained, or more than <paramref name="maxEvents"/> events would be needed. Never a partial replay.
    /// </summary>
    /// <param name="channel">The channel.</param>
    /// <param name="since">The position of the last event the client saw (offset 0 when it saw none).</param>
    /// <param name="maxEvents">The most events to replay; zero or more.</param>
    /// <param name="cancellationToken">Cancels before the recovery starts.</param>
    /// <returns>The stream's current position, whether the client recovered, and the missed events.</returns>
    ValueTask<RecoveryResult> RecoverAsync(ChannelName channel, StreamPosition since, int maxEvents, CancellationToken cancellationToken);

    /// <summary>
    /// Gets the stream's current position: the newest offset and the epoch. For a channel with no events yet
    /// that is offset 0 and an epoch that stays the same on later calls until the stream is lost.
    /// </summary>
    /// <param name="channel">The channel.</param>
    /// <param name="cancellationToken">Cancels before the store is asked.</param>
    /// <returns>The current position.</returns>
    ValueTask<StreamPosition> GetPositionAsync(ChannelName channel, CancellationToken cancellationToken);
}
