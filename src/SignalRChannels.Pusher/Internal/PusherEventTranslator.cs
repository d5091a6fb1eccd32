using System.Buffers;
using System.Text.Json;

namespace SignalRChannels.Pusher.Internal;

/// <summary>
/// Turns the core channel events the hub sends into Pusher frames (<c>member_added</c>, <c>member_removed</c>, channel
/// and client events). Nothing in a frame depends on the receiving socket, so the app's frame cache shares them.
/// </summary>
internal sealed class PusherEventTranslator(PusherAppScope scope)
{
    public bool TryGetCached(in ReadOnlySequence<byte> record, out int hash, out TranslatedEvent? translated) =>
        scope.Frames.TryGet(record, out hash, out translated);

    /// <summary>Translates the channel event of a hub invocation record and caches the frame under that record.</summary>
    public TranslatedEvent Translate(in ReadOnlySequence<byte> record, int hash, JsonElement channelEvent)
    {
        var translated = Translate(channelEvent);
        scope.Frames.Add(record, hash, translated);
        return translated;
    }

    private TranslatedEvent Translate(JsonElement channelEvent)
    {
        var coreName = channelEvent.GetProperty("channel").GetString()!;
        var pusherName = scope.ToPusher(coreName);
        var eventName = channelEvent.GetProperty("event").GetString()!;
        var data = channelEvent.GetProperty("data");
        switch (eventName)
        {
            case EventNames.MemberJoined:
            {
                var id = data.GetProperty("id").GetString()!;
                return new TranslatedEvent(coreName, PusherFrames.Event("pusher_internal:member_added", pusherName, PusherFrames.MemberAdded(data)), id, IsJoin: true);
            }

            case EventNames.MemberLeft:
            {
                var id = data.GetProperty("id").GetString()!;
                return new TranslatedEvent(coreName, PusherFrames.Event("pusher_internal:member_removed", pusherName, PusherFrames.MemberRemoved(id)), id, IsJoin: false);
            }

            case EventNames.Unsubscribed:
                return new TranslatedEvent(coreName, null, null, IsJoin: false);

            default:
                var userId = coreName.StartsWith("presence-", StringComparison.Ordinal)
                    && eventName.StartsWith(EventNames.ClientPrefix, StringComparison.Ordinal)
                    && channelEvent.TryGetProperty("from", out var from)
                        ? from.GetString()
                        : null;
                return new TranslatedEvent(coreName, PusherFrames.Event(eventName, pusherName, PusherFrames.DataString(data), userId), null, IsJoin: false);
        }
    }
}
