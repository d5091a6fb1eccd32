using System.Buffers;
using System.Text;
using System.Text.Json;

namespace SignalRChannels.Redis.Query;

/// <summary>
/// The stored form of a <see cref="ChannelsConnectionInfo"/> (compact JSON), and of a user's connections on one node:
/// a JSON object of connection id → that JSON as a string, the shape the Lua scripts keep with <c>cjson</c>.
/// </summary>
internal static class ConnectionInfoCodec
{
    public static string Encode(ChannelsConnectionInfo info)
    {
        var buffer = new ArrayBufferWriter<byte>(160);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", info.ConnectionId);
            json.WriteString("user", info.UserId);
            json.WriteString("node", info.NodeId);
            json.WriteNumber("since", info.ConnectedAt.ToUnixTimeMilliseconds());
            json.WriteString("transport", info.Transport);
            json.WriteString("protocol", info.Protocol);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string EncodeUser(IEnumerable<ChannelsConnectionInfo> connections)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var connection in connections)
            {
                json.WriteString(connection.ConnectionId, Encode(connection));
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The connections of one user's entry; an entry that does not parse yields none.</summary>
    public static IEnumerable<ChannelsConnectionInfo> DecodeUser(string entry)
    {
        List<ChannelsConnectionInfo> connections = [];
        try
        {
            using var document = JsonDocument.Parse(entry);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.GetString() is { } encoded)
                {
                    connections.Add(Decode(encoded));
                }
            }
        }
        catch (JsonException)
        {
        }
        catch (InvalidOperationException)
        {
        }
        catch (KeyNotFoundException)
        {
        }

        return connections;
    }

    private static ChannelsConnectionInfo Decode(string encoded)
    {
        using var document = JsonDocument.Parse(encoded);
        var root = document.RootElement;
        return new ChannelsConnectionInfo
        {
            ConnectionId = root.GetProperty("id").GetString()!,
            UserId = root.GetProperty("user").GetString(),
            NodeId = root.GetProperty("node").GetString()!,
            ConnectedAt = DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("since").GetInt64()),
            Transport = root.GetProperty("transport").GetString()!,
            Protocol = root.GetProperty("protocol").GetString(),
        };
    }
}
