using System.Text.Json;
using MessagePack;
using MessagePack.Formatters;

namespace SignalRChannels.Internal;

/// <summary>
/// Writes a <see cref="JsonElement"/> as the equivalent MessagePack value, so payloads in canonical
/// JSON form go out as native maps, arrays and scalars on the MessagePack hub protocol.
/// </summary>
internal sealed class JsonElementFormatter : IMessagePackFormatter<JsonElement>
{
    public static readonly JsonElementFormatter Instance = new();

    public void Serialize(ref MessagePackWriter writer, JsonElement value, MessagePackSerializerOptions options)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var count = 0;
                foreach (var _ in value.EnumerateObject())
                {
                    count++;
                }

                writer.WriteMapHeader(count);
                foreach (var property in value.EnumerateObject())
                {
                    writer.Write(property.Name);
                    Serialize(ref writer, property.Value, options);
                }

                break;
            case JsonValueKind.Array:
                writer.WriteArrayHeader(value.GetArrayLength());
                foreach (var item in value.EnumerateArray())
                {
                    Serialize(ref writer, item, options);
                }

                break;
            case JsonValueKind.String:
                writer.Write(value.GetString());
                break;
            case JsonValueKind.Number:
                if (value.TryGetInt64(out var l))
                {
                    writer.Write(l);
                }
                else if (value.TryGetUInt64(out var ul))
                {
                    writer.Write(ul);
                }
                else
                {
                    writer.Write(value.GetDouble());
                }

                break;
            case JsonValueKind.True:
                writer.Write(true);
                break;
            case JsonValueKind.False:
                writer.Write(false);
                break;
            default:
                writer.WriteNil();
                break;
        }
    }

    public JsonElement Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var value = MessagePackSerializer.Deserialize<object?>(ref reader, options);
        return EventPayload.FromClient(value, int.MaxValue, 64);
    }
}
