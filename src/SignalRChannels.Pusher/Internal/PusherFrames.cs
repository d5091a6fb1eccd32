using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SignalRChannels.Pusher.Internal;

/// <summary>
/// Writes Pusher protocol 7 messages: one JSON text frame <c>{event, channel?, data, user_id?}</c> whose <c>data</c> is a
/// JSON-encoded string (pusher-js decodes it a second time).
/// </summary>
internal static class PusherFrames
{
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Event(string eventName, string? channel, string data, string? userId = null)
    {
        var buffer = new ArrayBufferWriter<byte>(128 + data.Length);
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("event", eventName);
            if (channel is not null)
            {
                writer.WriteString("channel", channel);
            }

            writer.WriteString("data", data);
            if (userId is not null)
            {
                writer.WriteString("user_id", userId);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The JSON text of an object written by <paramref name="write"/>, for a frame's <c>data</c>.</summary>
    public static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            write(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The <c>data</c> string of a core event: a JSON string is passed as it is, anything else as its JSON text.</summary>
    public static string DataString(JsonElement data) =>
        data.ValueKind == JsonValueKind.String ? data.GetString()! : data.GetRawText();

    public static byte[] ConnectionEstablished(string socketId, int activityTimeoutSeconds) =>
        Event("pusher:connection_established", null, Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("socket_id", socketId);
            w.WriteNumber("activity_timeout", activityTimeoutSeconds);
            w.WriteEndObject();
        }));

    public static byte[] Error(int? code, string message) =>
        Event("pusher:error", null, Json(w =>
        {
            w.WriteStartObject();
            if (code is { } value)
            {
                w.WriteNumber("code", value);
            }
            else
            {
                w.WriteNull("code");
            }

            w.WriteString("message", message);
            w.WriteEndObject();
        }));

    public static byte[] SubscriptionError(string channel, string error, int status) =>
        Event("pusher:subscription_error", channel, Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "AuthError");
            w.WriteString("error", error);
            w.WriteNumber("status", status);
            w.WriteEndObject();
        }));

    /// <summary>Presence data of <c>subscription_succeeded</c>: <c>{presence: {ids, hash, count}}</c>.</summary>
    public static string PresenceData(JsonElement members)
    {
        return Json(w =>
        {
            var count = 0;
            w.WriteStartObject();
            w.WriteStartObject("presence");
            w.WriteStartArray("ids");
            foreach (var member in members.EnumerateArray())
            {
                w.WriteStringValue(member.GetProperty("id").GetString());
                count++;
            }

            w.WriteEndArray();
            w.WriteStartObject("hash");
            foreach (var member in members.EnumerateArray())
            {
                w.WritePropertyName(member.GetProperty("id").GetString()!);
                WriteInfo(w, member);
            }

            w.WriteEndObject();
            w.WriteNumber("count", count);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    public static string MemberAdded(JsonElement member) =>
        Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("user_id", member.GetProperty("id").GetString());
            w.WritePropertyName("user_info");
            WriteInfo(w, member);
            w.WriteEndObject();
        });

    public static string MemberRemoved(string userId) =>
        Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("user_id", userId);
            w.WriteEndObject();
        });

    private static void WriteInfo(Utf8JsonWriter w, JsonElement member)
    {
        if (member.TryGetProperty("info", out var info))
        {
            info.WriteTo(w);
        }
        else
        {
            w.WriteNullValue();
        }
    }
}
