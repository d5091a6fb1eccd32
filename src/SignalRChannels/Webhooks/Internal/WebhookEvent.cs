using System.Text.Json;

namespace SignalRChannels.Webhooks.Internal;

/// <summary>One event of a webhook batch, in Pusher's shape plus an <see cref="Id"/> that repeats only when the batch is sent again.</summary>
internal sealed record WebhookEvent(string Id, string Name, string Channel)
{
    // Relaxed escaping: the body goes to a server, not into HTML, so non-ASCII text stays as it is (quotes stay \").
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public const string ChannelOccupied = "channel_occupied";
    public const string ChannelVacated = "channel_vacated";
    public const string MemberAdded = "member_added";
    public const string MemberRemoved = "member_removed";
    public const string ClientEvent = "client_event";

    /// <summary><c>member_added</c>/<c>member_removed</c>: the member; <c>client_event</c> on a presence channel: the sender.</summary>
    public string? UserId { get; init; }

    /// <summary><c>client_event</c>: the event name, <c>client-</c> included.</summary>
    public string? Event { get; init; }

    /// <summary><c>client_event</c>: the data as a JSON string, as Pusher sends it.</summary>
    public string? Data { get; init; }

    /// <summary><c>client_event</c>: the sender's socket id (the connection id, what <c>X-Socket-ID</c> carries).</summary>
    public string? SocketId { get; init; }

    public static WebhookEvents FlagOf(string name) => name switch
    {
        ChannelOccupied => WebhookEvents.ChannelOccupied,
        ChannelVacated => WebhookEvents.ChannelVacated,
        MemberAdded => WebhookEvents.MemberAdded,
        MemberRemoved => WebhookEvents.MemberRemoved,
        _ => WebhookEvents.ClientEvent,
    };

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("name", Name);
        writer.WriteString("channel", Channel);
        if (Event is not null)
        {
            writer.WriteString("event", Event);
        }

        if (Data is not null)
        {
            writer.WriteString("data", Data);
        }

        if (SocketId is not null)
        {
            writer.WriteString("socket_id", SocketId);
        }

        if (UserId is not null)
        {
            writer.WriteString("user_id", UserId);
        }

        writer.WriteString("id", Id);
        writer.WriteEndObject();
    }

    /// <summary>The event alone, as stored in an outbox.</summary>
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>An event from <see cref="ToJson"/>, or null when the text is not one.</summary>
    public static WebhookEvent? Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var e = document.RootElement;
            return new WebhookEvent(e.GetProperty("id").GetString()!, e.GetProperty("name").GetString()!, e.GetProperty("channel").GetString()!)
            {
                UserId = Optional(e, "user_id"),
                Event = Optional(e, "event"),
                Data = Optional(e, "data"),
                SocketId = Optional(e, "socket_id"),
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }

        static string? Optional(JsonElement e, string name) => e.TryGetProperty(name, out var value) ? value.GetString() : null;
    }

    /// <summary>A batch's body: <c>{"time_ms":…,"events":[…]}</c>.</summary>
    public static byte[] Serialize(IReadOnlyList<WebhookEvent> events, long timeMs)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128 * events.Count);
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("time_ms", timeMs);
            writer.WriteStartArray("events");
            foreach (var e in events)
            {
                e.WriteTo(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
