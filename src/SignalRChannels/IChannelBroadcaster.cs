namespace SignalRChannels;

/// <summary>
/// Publishes events to channels from anywhere in the app: controllers, background jobs, hubs.
/// Registered by <c>AddChannels()</c>; publishes reach every node when Redis scale-out is configured.
/// </summary>
public interface IChannelBroadcaster
{
    /// <summary>Publishes an event to every subscriber of a channel.</summary>
    /// <param name="channel">The full channel name, for example <c>private-orders.42</c>.</param>
    /// <param name="eventName">The event name; names starting with <c>member:</c>, <c>channel:</c> or <c>client-</c> are reserved.</param>
    /// <param name="data">The payload, serialized with the hub's JSON options (camelCase by default) for both hub protocols.</param>
    /// <param name="toOthers">
    /// A connection id to leave out, as Laravel's <c>toOthers()</c>: usually the <c>X-Socket-ID</c> header of the
    /// current request (see <c>HttpContext.GetSocketId()</c>). <see langword="null"/> sends to everyone.
    /// </param>
    /// <param name="cancellationToken">Cancels the publish.</param>
    /// <returns>
    /// A task that completes when the event has been handed to the fan-out: on a history channel with a backplane
    /// (Redis), once it is stored and its backplane send has been issued (subscribers then get it live or from
    /// history); otherwise when SignalR's send has completed, except without a backplane on a busy channel with 64 or more
    /// subscribers on this node (a send running or just ended): there once the event is in the channel's send line (or,
    /// when 256 of the channel's events are already waiting or being written, once its own send has completed).
    /// </returns>
    /// <exception cref="ChannelException">
    /// The channel or event name is invalid, or the payload is too large; or <c>unavailable</c> when the store or the
    /// backplane did not take the event.
    /// </exception>
    Task PublishAsync(string channel, string eventName, object? data, string? toOthers = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes a typed event to each of its channels (<see cref="IBroadcastEvent.BroadcastOn"/>), under its name
    /// (<see cref="IBroadcastEvent.BroadcastAs"/>) and with its payload (<see cref="IBroadcastEvent.BroadcastWith"/>).
    /// Every channel and the name are checked before anything is sent; publish middleware and
    /// <paramref name="toOthers"/> apply as for any publish.
    /// </summary>
    /// <param name="broadcastEvent">The event.</param>
    /// <param name="toOthers">A connection id to leave out, as for the other overload.</param>
    /// <param name="cancellationToken">Cancels the publish.</param>
    /// <returns>A task that completes when the event has been handed to the fan-out of every channel.</returns>
    /// <exception cref="ChannelException">No channel, an invalid channel or event name, or a payload too large.</exception>
    async Task PublishAsync(IBroadcastEvent broadcastEvent, string? toOthers = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(broadcastEvent);
        var eventName = broadcastEvent.BroadcastAs();
        var data = broadcastEvent.BroadcastWith();
        foreach (var channel in broadcastEvent.BroadcastOn().Distinct(StringComparer.Ordinal))
        {
            await PublishAsync(channel, eventName, data, toOthers, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Returns a handle for publishing to one channel.</summary>
    /// <param name="channel">The full channel name.</param>
    /// <returns>A handle that publishes to <paramref name="channel"/>.</returns>
    ChannelTarget Channel(string channel);
}
