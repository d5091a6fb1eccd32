namespace SignalRChannels;

/// <summary>Copies of events placed in a stream, for <see cref="IChannelEventStore"/> implementations; <see cref="ChannelEvent"/> is immutable.</summary>
public static class ChannelEventPosition
{
    /// <summary>A copy of the event with the given offset and epoch.</summary>
    /// <param name="channelEvent">The event.</param>
    /// <param name="offset">Its offset in the stream, or null.</param>
    /// <param name="epoch">The stream's epoch, or null.</param>
    /// <returns>The copy.</returns>
    public static ChannelEvent WithPosition(this ChannelEvent channelEvent, long? offset, string? epoch)
    {
        ArgumentNullException.ThrowIfNull(channelEvent);
        return new ChannelEvent
        {
            Channel = channelEvent.Channel,
            Event = channelEvent.Event,
            Data = channelEvent.Data,
            Timestamp = channelEvent.Timestamp,
            From = channelEvent.From,
            Id = channelEvent.Id,
            Offset = offset,
            Epoch = epoch,
        };
    }
}
