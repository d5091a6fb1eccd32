namespace SignalRChannels;

/// <summary>
/// Queued broadcasting (Laravel's <c>ShouldBroadcast</c>): <see cref="EnqueueAsync(string, string, object?, string?, CancellationToken)"/> returns as soon as the event is
/// accepted by the queue store, and a background worker publishes it, in order per channel, retrying transient
/// failures with exponential backoff and dead-lettering what still fails. Registered by
/// <c>AddQueuedBroadcasting()</c>; with <c>AddRedis()</c> the queue lives in Redis Streams and survives a node crash.
/// See docs/concepts/queued-broadcasting.md for what each store guarantees.
/// </summary>
public interface IChannelQueue
{
    /// <summary>
    /// Accepts an event for publishing. Names and payload are checked here, so a bad event fails at once rather than
    /// in the worker. Once this returns, the event will be published (at least once to the fan-out; clients drop a
    /// repeat) or dead-lettered; it is never dropped silently.
    /// </summary>
    /// <param name="channel">The full channel name, for example <c>private-orders.42</c>.</param>
    /// <param name="eventName">The event name; names starting with <c>member:</c>, <c>channel:</c> or <c>client-</c> are reserved.</param>
    /// <param name="data">The payload, serialized now with the hub's JSON options.</param>
    /// <param name="toOthers">A connection id to leave out (see <see cref="IChannelBroadcaster.PublishAsync(string, string, object?, string?, CancellationToken)"/>), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels before the event is handed to the store.</param>
    /// <returns>The event's id, as clients will see it in <see cref="ChannelEvent.Id"/>.</returns>
    /// <exception cref="ChannelException">
    /// <c>invalid_channel</c>, <c>invalid_argument</c> or <c>payload_too_large</c> for a bad event;
    /// <c>limit_exceeded</c> when the queue is full; <c>unavailable</c> when the store could not accept it (not accepted:
    /// enqueue it again).
    /// </exception>
    Task<string> EnqueueAsync(string channel, string eventName, object? data, string? toOthers = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues a typed event (<see cref="IBroadcastEvent"/>) for each of its channels, under its name and with its payload,
    /// as <see cref="IChannelBroadcaster.PublishAsync(IBroadcastEvent, string?, CancellationToken)"/> publishes it at once.
    /// Every channel name is checked before anything is queued; each channel's event is then queued (and delivered) on
    /// its own, with its own id.
    /// </summary>
    /// <param name="broadcastEvent">The event.</param>
    /// <param name="toOthers">A connection id to leave out, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels before the next event is handed to the store.</param>
    /// <returns>The events' ids, one per distinct channel, in the order of <see cref="IBroadcastEvent.BroadcastOn"/>.</returns>
    /// <exception cref="ChannelException">
    /// <c>invalid_channel</c> when a channel is invalid or there is none (nothing is queued); otherwise as the other
    /// overload, for the channel that failed (the ones before it are queued).
    /// </exception>
    async Task<IReadOnlyList<string>> EnqueueAsync(IBroadcastEvent broadcastEvent, string? toOthers = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(broadcastEvent);
        var channels = broadcastEvent.BroadcastOn().Distinct(StringComparer.Ordinal).ToArray();
        if (channels.Length == 0)
        {
            throw new ChannelException(ChannelErrorCodes.InvalidChannel, $"{broadcastEvent.GetType().Name}.BroadcastOn() names no channel");
        }

        foreach (var channel in channels)
        {
            if (!ChannelName.TryParse(channel, ChannelName.DefaultMaxLength, out _, out var error))
            {
                throw new ChannelException(ChannelErrorCodes.InvalidChannel, $"'{channel}' is not a valid channel name: {error}");
            }
        }

        var eventName = broadcastEvent.BroadcastAs();
        var data = broadcastEvent.BroadcastWith();
        var ids = new string[channels.Length];
        for (var i = 0; i < channels.Length; i++)
        {
            ids[i] = await EnqueueAsync(channels[i], eventName, data, toOthers, cancellationToken).ConfigureAwait(false);
        }

        return ids;
    }

    /// <summary>Reads dead letters, oldest first.</summary>
    /// <param name="maxCount">The most to return.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The dead letters.</returns>
    ValueTask<IReadOnlyList<DeadLetteredEvent>> GetDeadLettersAsync(int maxCount, CancellationToken cancellationToken = default);

    /// <summary>Puts a dead letter back in the queue (same event id, so clients still drop a repeat) and removes it from the dead letters.</summary>
    /// <param name="deadLetter">A dead letter read with <see cref="GetDeadLettersAsync"/>.</param>
    /// <param name="cancellationToken">Cancels before the event is handed to the store.</param>
    /// <returns>A task that completes when the event is queued again.</returns>
    /// <exception cref="ChannelException"><c>limit_exceeded</c> when the queue is full; <c>unavailable</c> when the store failed.</exception>
    Task ReplayDeadLetterAsync(DeadLetteredEvent deadLetter, CancellationToken cancellationToken = default);

    /// <summary>Removes a dead letter without publishing it.</summary>
    /// <param name="deadLetter">A dead letter read with <see cref="GetDeadLettersAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns><see langword="true"/> when it was removed, <see langword="false"/> when it was already gone.</returns>
    ValueTask<bool> DeleteDeadLetterAsync(DeadLetteredEvent deadLetter, CancellationToken cancellationToken = default);
}
