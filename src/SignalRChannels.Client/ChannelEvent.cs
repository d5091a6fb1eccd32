namespace SignalRChannels.Client;

/// <summary>One event of a channel as the app sees it: the payload, typed, and its envelope.</summary>
/// <typeparam name="T">The payload type.</typeparam>
public sealed class ChannelEvent<T>
{
    /// <summary>Creates an event.</summary>
    /// <param name="channel">The full channel name.</param>
    /// <param name="eventName">The event name as sent (whispers keep their <c>client-</c> prefix).</param>
    /// <param name="data">The payload.</param>
    /// <param name="position">The event's position on history-enabled channels.</param>
    /// <param name="timestamp">When the server accepted the event.</param>
    /// <param name="from">For whispers, the server-stamped sender.</param>
    public ChannelEvent(string channel, string eventName, T data, StreamPosition? position, DateTimeOffset timestamp, string? from)
    {
        Channel = channel;
        EventName = eventName;
        Data = data;
        Position = position;
        Timestamp = timestamp;
        From = from;
    }

    /// <summary>The full channel name, with its kind prefix.</summary>
    public string Channel { get; }

    /// <summary>The event name as sent (whispers keep their <c>client-</c> prefix).</summary>
    public string EventName { get; }

    /// <summary>The payload.</summary>
    public T Data { get; }

    /// <summary>The event's offset and epoch on history-enabled channels; otherwise <see langword="null"/>.</summary>
    public StreamPosition? Position { get; }

    /// <summary>The event's offset on history-enabled channels; otherwise <see langword="null"/>.</summary>
    public long? Offset => Position?.Offset;

    /// <summary>When the server accepted the event.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>For client events (whispers): the sender's member or user id, stamped by the server.</summary>
    public string? From { get; }

    /// <summary>For queued events: the event's id, the one <c>IChannelQueue.EnqueueAsync</c> returned; otherwise <see langword="null"/>.</summary>
    public string? Id { get; init; }
}
