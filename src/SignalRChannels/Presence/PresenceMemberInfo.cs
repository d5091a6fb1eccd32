using System.Text.Json;
using SignalRChannels.Internal;

namespace SignalRChannels.Presence;

/// <summary>Member info as the stores keep it: UTF-8 JSON, size-checked once at join.</summary>
internal static class PresenceMemberInfo
{
    public static byte[] ToUtf8(PresenceMember member, int maxBytes)
    {
        var info = member.Info.ValueKind == JsonValueKind.Undefined ? EventPayload.Null : member.Info;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(info);
        return bytes.Length > maxBytes
            ? throw new ChannelException(ChannelErrorCodes.PayloadTooLarge, $"the member info is {bytes.Length} bytes; the limit is {maxBytes}")
            : bytes;
    }

    public static PresenceMember ToMember(string id, ReadOnlySpan<byte> info) =>
        new(id, JsonSerializer.Deserialize<JsonElement>(info));
}
