namespace SignalRChannels;

/// <summary>
/// Where queued events wait for the worker: the in-memory store (the single-node default) or Redis Streams
/// (<c>AddRedis()</c>), shared by every node.
/// </summary>
/// <remarks>
/// <para>Guarantees every implementation gives:</para>
/// <list type="bullet">
/// <item><description>An event <see cref="EnqueueAsync"/> returned for is kept until it is acknowledged or
/// dead-lettered, as durably as the store is (process memory; Redis under its persistence settings).</description></item>
/// <item><description><see cref="ReadAsync"/> hands out a channel's events in enqueue order, and never hands an event of
/// a channel to this node while another node may hold an unacknowledged event of the same channel. An event read and
/// not acknowledged (its node crashed) is handed out again, before later events of its channel.</description></item>
/// <item><description>A full store refuses at once with <c>limit_exceeded</c>; a store that cannot be reached refuses
/// with <c>unavailable</c>: the event was not accepted.</description></item>
/// </list>
/// </remarks>
public interface IChannelQueueStore
{
    /// <summary>Stores an event at the end of the queue.</summary>
    /// <param name="queuedEvent">The event; its <see cref="QueuedChannelEvent.Receipt"/> is ignored.</param>
    /// <param name="cancellationToken">Cancels before the store is asked.</param>
    /// <returns>A task that completes once the event is accepted.</returns>
    /// <exception cref="ChannelException"><c>limit_exceeded</c> when full; <c>unavailable</c> when the store failed.</exception>
    ValueTask EnqueueAsync(QueuedChannelEvent queuedEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Hands this node up to <paramref name="maxCount"/> events to publish, each with a
    /// <see cref="QueuedChannelEvent.Receipt"/>. Waits a while (at most a poll interval) when there are none, then
    /// returns an empty list.
    /// </summary>
    /// <param name="maxCount">The most events to return; at least 1.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>The events, in enqueue order per channel.</returns>
    ValueTask<IReadOnlyList<QueuedChannelEvent>> ReadAsync(int maxCount, CancellationToken cancellationToken);

    /// <summary>Removes a published event from the queue.</summary>
    /// <param name="queuedEvent">An event from <see cref="ReadAsync"/>.</param>
    /// <param name="cancellationToken">Cancels before the store is asked.</param>
    /// <returns>A task that completes once the event is removed.</returns>
    ValueTask AcknowledgeAsync(QueuedChannelEvent queuedEvent, CancellationToken cancellationToken);

    /// <summary>Moves an event that could not be published to the dead letters (recording it first, then removing it from the queue).</summary>
    /// <param name="queuedEvent">An event from <see cref="ReadAsync"/>.</param>
    /// <param name="reason">Why the last attempt failed.</param>
    /// <param name="attempts">How many attempts were made.</param>
    /// <param name="cancellationToken">Cancels before the store is asked.</param>
    /// <returns>The dead letter as stored.</returns>
    ValueTask<DeadLetteredEvent> DeadLetterAsync(QueuedChannelEvent queuedEvent, string reason, int attempts, CancellationToken cancellationToken);

    /// <summary>Reads dead letters, oldest first.</summary>
    /// <param name="maxCount">The most to return.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The dead letters.</returns>
    ValueTask<IReadOnlyList<DeadLetteredEvent>> ReadDeadLettersAsync(int maxCount, CancellationToken cancellationToken);

    /// <summary>Removes a dead letter.</summary>
    /// <param name="id">Its <see cref="DeadLetteredEvent.Id"/>.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>Whether it was there.</returns>
    ValueTask<bool> DeleteDeadLetterAsync(string id, CancellationToken cancellationToken);

    /// <summary>The queue's depth and the age of its oldest event as last seen by this node; cheap, never calls out.</summary>
    /// <returns>The statistics.</returns>
    ChannelQueueStatistics GetStatistics();
}
