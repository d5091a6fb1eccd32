using System.Text.Json;

namespace SignalRChannels.Client.Internal;

/// <summary>Reads wire events as the app's payload type.</summary>
internal static class ChannelEventReader
{
    /// <summary>Reads <paramref name="event"/>; an offset without epoch takes <paramref name="fallbackEpoch"/>.</summary>
    public static ChannelEvent<T> Read<T>(ChannelEvent @event, string channel, JsonSerializerOptions serializerOptions, string? fallbackEpoch)
    {
        T data;
        if (typeof(T) == typeof(JsonElement))
        {
            data = (T)(object)@event.Data;
        }
        else if (@event.Data.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            data = default!;
        }
        else
        {
            data = @event.Data.Deserialize<T>(serializerOptions)!;
        }

        var position = @event.Offset is { } offset ? new StreamPosition(offset, @event.Epoch ?? fallbackEpoch ?? string.Empty) : null;
        return new ChannelEvent<T>(
            @event.Channel ?? channel,
            @event.Event ?? string.Empty,
            data,
            position,
            DateTimeOffset.FromUnixTimeMilliseconds(@event.Timestamp),
            @event.From)
        {
            Id = @event.Id,
        };
    }
}
