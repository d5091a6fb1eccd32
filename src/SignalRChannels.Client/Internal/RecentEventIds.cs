namespace SignalRChannels.Client.Internal;

/// <summary>
/// The ids of a channel's latest events that carried one (queued events), so a repeat of one is delivered once. Events
/// with an offset are deduplicated by offset instead; this covers channels without history. Not thread-safe: the
/// sequencer's lock guards it.
/// </summary>
internal sealed class RecentEventIds(int capacity = 1000)
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    /// <summary>True when the id is new (and now remembered); false for a repeat.</summary>
    public bool Add(string id)
    {
        if (!_seen.Add(id))
        {
            return false;
        }

        _order.Enqueue(id);
        if (_order.Count > capacity)
        {
            _seen.Remove(_order.Dequeue());
        }

        return true;
    }
}
