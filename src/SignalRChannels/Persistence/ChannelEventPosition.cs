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
        return Copy(channelEvent, offset, epoch, channelEvent.PrevOffset);
    }

    /// <summary>A copy of the event with <see cref="ChannelEvent.PrevOffset"/> set, as a filtered subscription receives it.</summary>
    /// <param name="channelEvent">The event.</param>
    /// <param name="prevOffset">The previous offset the subscription receives, or null.</param>
    /// <returns>The copy.</returns>
    public static ChannelEvent WithPrevOffset(this ChannelEvent channelEvent, long? prevOffset)
    {
        ArgumentNullException.ThrowIfNull(channelEvent);
        return Copy(channelEvent, channelEvent.Offset, channelEvent.Epoch, prevOffset);
    }

    /// <summary>The one place that copies an envelope field by field: a field added to it is added here.</summary>
    private static ChannelEvent Copy(ChannelEvent channelEvent, long? offset, string? epoch, long? prevOffset) => new()
    {
        Channel = channelEvent.Channel,
        Event = channelEvent.Event,
        Data = channelEvent.Data,
        Timestamp = channelEvent.Timestamp,
        From = channelEvent.From,
        Id = channelEvent.Id,
        Offset = offset,
        Epoch = epoch,
        PrevOffset = prevOffset,
    };
}
