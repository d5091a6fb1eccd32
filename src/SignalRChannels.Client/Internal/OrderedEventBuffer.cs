namespace SignalRChannels.Client.Internal;

/// <summary>
/// The ordering part of an <see cref="EventSequencer"/>: the last position delivered, the events held ahead of a hole,
/// the epochs left behind, and the gaps reported when moving past offsets. Not thread-safe: the sequencer calls it
/// under its lock, and the sink under it.
/// </summary>
internal sealed class OrderedEventBuffer(string channel, ISequencerSink sink)
{
    private readonly SortedDictionary<long, ChannelEvent> _ahead = [];
    private readonly HashSet<string> _retiredEpochs = new(StringComparer.Ordinal);

    /// <summary>Where an offered event belongs.</summary>
    public enum Placement
    {
        /// <summary>A duplicate, or an event of a retired epoch.</summary>
        Dropped,

        /// <summary>The next offset: emit it.</summary>
        Next,

        /// <summary>Beyond a hole: held ahead.</summary>
        Ahead,
    }

    /// <summary>The last position delivered.</summary>
    public StreamPosition? Position { get; private set; }

    public int AheadCount => _ahead.Count;

    /// <summary>
    /// The offset the first event held ahead follows on: <c>prevOffset</c> for a filtered subscription, else the offset
    /// before it. <see cref="AheadCount"/> must be above zero.
    /// </summary>
    public long FirstAheadPrevious => PreviousOf(_ahead.First().Value);

    /// <summary>
    /// The offset an event follows on: for a filtered subscription its <c>prevOffset</c> (no event the subscription
    /// receives lies in between, so the hole is filtered out, not lost), else the offset before it.
    /// </summary>
    public static long PreviousOf(ChannelEvent @event) => @event.PrevOffset ?? @event.Offset!.Value - 1;

    /// <summary>
    /// Places an event with an offset; <paramref name="epochSwitched"/> tells that it started a new epoch (what was held
    /// of the old one was delivered, its holes reported).
    /// </summary>
    public Placement Place(ChannelEvent @event, long offset, out bool epochSwitched)
    {
        epochSwitched = false;
        var epoch = @event.Epoch ?? Position?.Epoch ?? string.Empty;
        if (_retiredEpochs.Contains(epoch))
        {
            return Placement.Dropped;
        }

        if (Position is null)
        {
            // No position yet (subscribed before history existed): start from the first event seen.
            Position = new StreamPosition(offset - 1, epoch);
        }
        else if (epoch != Position.Epoch)
        {
            SwitchEpoch(epoch);
            epochSwitched = true;
        }

        var last = Position.Offset;
        if (offset <= last)
        {
            return Placement.Dropped;
        }

        if (PreviousOf(@event) <= last)
        {
            return Placement.Next;
        }

        _ahead.TryAdd(offset, @event);
        return Placement.Ahead;
    }

    /// <summary>Applies a subscription's position, reporting what a failed recovery lost.</summary>
    public void Resume(StreamPosition? current, bool recovered, StreamPosition? since)
    {
        if (since is null)
        {
            Position = current;
        }
        else if (!recovered)
        {
            var sameEpoch = current is not null && current.Epoch == since.Epoch;
            if (!sameEpoch || current!.Offset > since.Offset)
            {
                sink.Gap(new GapDetectedEventArgs(
                    channel,
                    current is null || sameEpoch ? GapReason.NotRecovered : GapReason.EpochChanged,
                    since.Epoch ?? string.Empty,
                    since.Offset + 1,
                    sameEpoch ? current!.Offset : null));
            }

            if (current is not null && !sameEpoch)
            {
                _retiredEpochs.Add(since.Epoch ?? string.Empty);
            }

            Position = current;
        }
    }

    /// <summary>Removes and returns the events held ahead, in offset order.</summary>
    public List<ChannelEvent> TakeAhead()
    {
        var events = _ahead.Values.ToList();
        _ahead.Clear();
        return events;
    }

    public void ClearAhead() => _ahead.Clear();

    public void Emit(ChannelEvent @event)
    {
        Position = new StreamPosition(@event.Offset!.Value, Position!.Epoch);
        sink.Deliver(@event);
    }

    /// <summary>Delivers the events that have become contiguous; returns whether a hole remains.</summary>
    public bool Drain()
    {
        while (_ahead.Count > 0)
        {
            var (offset, next) = _ahead.First();

            // Anything at or below the position is a duplicate of what was just delivered.
            if (offset > Position!.Offset && PreviousOf(next) > Position.Offset)
            {
                break;
            }

            _ahead.Remove(offset);
            if (offset > Position.Offset)
            {
                Emit(next);
            }
        }

        return _ahead.Count > 0;
    }

    /// <summary>Reports the offsets up to <paramref name="offset"/> that will never be delivered, and moves past them.</summary>
    public void SkipTo(long offset, GapReason reason)
    {
        var position = Position!;
        if (offset > position.Offset)
        {
            sink.Gap(new GapDetectedEventArgs(channel, reason, position.Epoch ?? string.Empty, position.Offset + 1, offset));
            Position = position with { Offset = offset };
        }
    }

    private void SwitchEpoch(string epoch)
    {
        var previous = Position!;

        // What we hold of the old stream can never be fetched any more: deliver it, reporting its holes.
        foreach (var @event in TakeAhead())
        {
            SkipTo(@event.Offset!.Value - 1, GapReason.EpochChanged);
            Emit(@event);
        }

        sink.Gap(new GapDetectedEventArgs(channel, GapReason.EpochChanged, previous.Epoch ?? string.Empty, Position!.Offset + 1, null));
        _retiredEpochs.Add(previous.Epoch ?? string.Empty);
        Position = new StreamPosition(0, epoch);
    }
}
