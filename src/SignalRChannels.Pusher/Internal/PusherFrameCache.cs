using System.Buffers;

namespace SignalRChannels.Pusher.Internal;

/// <summary>
/// A channel event as Pusher frames, ready for any connection of one app: SignalR serializes a group send once and
/// writes the same bytes to every connection, so the bridge translates each distinct event once per app rather than
/// once per connection.
/// </summary>
/// <param name="CoreChannel">The core channel name the event is for.</param>
/// <param name="Frame">The Pusher frame, or null for a subscription the server ended.</param>
/// <param name="MemberId">For member_added / member_removed: the member, which its own connections do not receive.</param>
/// <param name="IsJoin">Whether the frame is member_added.</param>
internal sealed record TranslatedEvent(string CoreChannel, byte[]? Frame, string? MemberId, bool IsJoin);

/// <summary>A small direct-mapped cache of translated events, keyed by the exact bytes of the SignalR record.</summary>
internal sealed class PusherFrameCache
{
    private const int Slots = 256;
    private readonly Entry?[] _entries = new Entry?[Slots];

    public bool TryGet(in ReadOnlySequence<byte> record, out int hash, out TranslatedEvent? translated)
    {
        hash = Hash(record);
        var entry = Volatile.Read(ref _entries[hash & (Slots - 1)]);
        if (entry is not null && entry.Hash == hash && Equal(record, entry.Bytes))
        {
            translated = entry.Event;
            return true;
        }

        translated = null;
        return false;
    }

    public void Add(in ReadOnlySequence<byte> record, int hash, TranslatedEvent translated) =>
        Volatile.Write(ref _entries[hash & (Slots - 1)], new Entry(hash, record.ToArray(), translated));

    private static int Hash(in ReadOnlySequence<byte> record)
    {
        var hash = new HashCode();
        foreach (var segment in record)
        {
            hash.AddBytes(segment.Span);
        }

        return hash.ToHashCode();
    }

    private static bool Equal(in ReadOnlySequence<byte> record, byte[] bytes)
    {
        if (record.Length != bytes.Length)
        {
            return false;
        }

        var offset = 0;
        foreach (var segment in record)
        {
            if (!segment.Span.SequenceEqual(bytes.AsSpan(offset, segment.Length)))
            {
                return false;
            }

            offset += segment.Length;
        }

        return true;
    }

    private sealed record Entry(int Hash, byte[] Bytes, TranslatedEvent Event);
}
