using System.Text.Json;
using System.Text.Json.Serialization;
using MessagePack;
using MessagePack.Formatters;

namespace SignalRChannels.Internal;

/// <summary>
/// The envelope of a live (not history) server publish whose payload is held as UTF-8 JSON: what a client receives is
/// exactly a <see cref="ChannelEvent"/> without offset, epoch and previous offset, but the JSON protocol copies the
/// payload's bytes instead of walking a parsed document, and nothing parses them on the way (#21).
/// </summary>
[JsonConverter(typeof(RawChannelEventJsonConverter))]
internal sealed class RawChannelEvent(string channel, string eventName, byte[] data, long timestamp, string? id)
{
    public string Channel { get; } = channel;

    public string Event { get; } = eventName;

    /// <summary>The payload: one JSON value, UTF-8, as the hub's payload serializer options wrote it.</summary>
    public byte[] Data { get; } = data;

    public long Timestamp { get; } = timestamp;

    public string? Id { get; } = id;
}

/// <summary>Writes <see cref="RawChannelEvent"/> as a <see cref="ChannelEvent"/>: the same names, in the same order.</summary>
internal sealed class RawChannelEventJsonConverter : JsonConverter<RawChannelEvent>
{
    public override RawChannelEvent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("A RawChannelEvent is only ever written; clients read a ChannelEvent.");

    public override void Write(Utf8JsonWriter writer, RawChannelEvent value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("channel"u8, value.Channel);
        writer.WriteString("event"u8, value.Event);
        writer.WritePropertyName("data"u8);

        // Written by JsonSerializer moments ago (EventPayload.FromServer): valid, so not validated again.
        writer.WriteRawValue(value.Data, skipInputValidation: true);
        writer.WriteNumber("timestamp"u8, value.Timestamp);
        if (value.Id is not null)
        {
            writer.WriteString("id"u8, value.Id);
        }

        writer.WriteEndObject();
    }
}

/// <summary>
/// Writes <see cref="RawChannelEvent"/> as the MessagePack protocol writes a <see cref="ChannelEvent"/>: a map of every
/// key in declaration order, nil where a field is absent, the payload as the equivalent MessagePack value.
/// </summary>
internal sealed class RawChannelEventFormatter : IMessagePackFormatter<RawChannelEvent>
{
    public static RawChannelEventFormatter Instance { get; } = new();

    public void Serialize(ref MessagePackWriter writer, RawChannelEvent value, MessagePackSerializerOptions options)
    {
        writer.WriteMapHeader(9);
        writer.Write("channel");
        writer.Write(value.Channel);
        writer.Write("event");
        writer.Write(value.Event);
        writer.Write("data");
        JsonElementFormatter.Instance.Serialize(ref writer, JsonSerializer.Deserialize<JsonElement>(value.Data), options);
        writer.Write("offset");
        writer.WriteNil();
        writer.Write("epoch");
        writer.WriteNil();
        writer.Write("prevOffset");
        writer.WriteNil();
        writer.Write("timestamp");
        writer.Write(value.Timestamp);
        writer.Write("id");
        if (value.Id is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.Write(value.Id);
        }

        writer.Write("from");
        writer.WriteNil();
    }

    public RawChannelEvent Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        throw new NotSupportedException("A RawChannelEvent is only ever written; clients read a ChannelEvent.");
}
