using System.Text.Json;
using System.Text.Json.Serialization;

namespace SignalRChannels;

/// <summary>
/// An event the queue accepted (<see cref="IChannelQueue.EnqueueAsync(string, string, object?, string?, CancellationToken)"/>), waiting to be published. Stores keep it as
/// JSON; <see cref="Receipt"/> is what the store that handed it out needs to acknowledge it.
/// </summary>
public sealed class QueuedChannelEvent
{
    /// <summary>The event's id, unique per event; it becomes <see cref="ChannelEvent.Id"/> on the wire.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The full channel name, already validated.</summary>
    [JsonPropertyName("channel")]
    public required string Channel { get; init; }

    /// <summary>The event name, already validated.</summary>
    [JsonPropertyName("event")]
    public required string Event { get; init; }

    /// <summary>The payload, serialized when the event was accepted.</summary>
    [JsonPropertyName("data")]
    public required JsonElement Data { get; init; }

    /// <summary>The connection to leave out (Laravel's <c>toOthers()</c>), or <see langword="null"/>.</summary>
    [JsonPropertyName("toOthers")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ToOthers { get; init; }

    /// <summary>When the queue accepted the event, in Unix milliseconds; it becomes <see cref="ChannelEvent.Timestamp"/>.</summary>
    [JsonPropertyName("enqueuedAt")]
    public long EnqueuedAt { get; init; }

    /// <summary>
    /// The store's handle of this delivery (for example a Redis Stream entry id), set by
    /// <see cref="IChannelQueueStore.ReadAsync"/>; <see langword="null"/> before the event is stored. Not serialized.
    /// </summary>
    [JsonIgnore]
    public string? Receipt { get; init; }

    /// <summary>A copy of the event with a store's receipt.</summary>
    /// <param name="receipt">The store's handle of this delivery.</param>
    /// <returns>The copy.</returns>
    public QueuedChannelEvent WithReceipt(string receipt) => new()
    {
        Id = Id,
        Channel = Channel,
        Event = Event,
        Data = Data,
        ToOthers = ToOthers,
        EnqueuedAt = EnqueuedAt,
        Receipt = receipt,
    };
}
