using System.Text.Json;
using SignalRChannels.Internal;

namespace SignalRChannels;

/// <summary>
/// Member info as presence stores keep it — UTF-8 JSON, size-checked once at join — for <see cref="IPresenceStore"/>
/// implementations, so every store stores and returns members alike.
/// </summary>
public static class PresenceMemberInfo
{
    /// <summary>The member's info as UTF-8 JSON (<c>null</c> when it has none).</summary>
    /// <param name="member">The member.</param>
    /// <param name="maxBytes">The limit (<see cref="PresenceOptions.MaxMemberInfoBytes"/>).</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="ChannelException">With code <c>payload_too_large</c> when the info is over the limit.</exception>
    public static byte[] ToUtf8(PresenceMember member, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(member);
        var info = member.Info.ValueKind == JsonValueKind.Undefined ? EventPayload.Null : member.Info;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(info);
        return bytes.Length > maxBytes
            ? throw new ChannelException(ChannelErrorCodes.PayloadTooLarge, $"the member info is {bytes.Length} bytes; the limit is {maxBytes}")
            : bytes;
    }

    /// <summary>A member from its id and the UTF-8 JSON <see cref="ToUtf8"/> made.</summary>
    /// <param name="id">The member id.</param>
    /// <param name="info">The info bytes.</param>
    /// <returns>The member.</returns>
    public static PresenceMember ToMember(string id, ReadOnlySpan<byte> info) =>
        new(id, JsonSerializer.Deserialize<JsonElement>(info));
}
