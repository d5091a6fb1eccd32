namespace SignalRChannels.Client.Internal;

/// <summary>
/// Turns the events of one channel as they arrive (duplicated, out of order, across reconnects) into the events the
/// app sees: each offset once, in order, and every hole either filled from history after a short reorder window or
/// reported as a gap. Events without an offset pass straight through. Thread-safe: one lock guards the state, and the
/// sink is called under it.
/// </summary>
internal sealed class EventSequencer : IDisposable
{
    // One history call fetches at most this many events; longer holes take several calls.
    private const int MaxFetch = 500;

    private readonly object _gate = new();
    private readonly string _channel;
    private readonly ISequencerSink _sink;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _reorderWindow;
    private readonly int _maxAhead;
    private readonly SortedDictionary<long, ChannelEvent> _ahead = [];
    private readonly HashSet<string> _retiredEpochs = new(StringComparer.Ordinal);
    private List<ChannelEvent> _held = [];
    private StreamPosition? _position;
    private bool _holding = true;
    private bool _filling;
    private ITimer? _timer;

    // Bumped whenever a history fill in flight must be ignored (resubscription, epoch switch, dispose).
    private int _generation;

    public EventSequencer(string channel, ISequencerSink sink, TimeProvider timeProvider, TimeSpan reorderWindow, int maxAhead)
    {
        _channel = channel;
        _sink = sink;
        _timeProvider = timeProvider;
        _reorderWindow = reorderWindow;
        _maxAhead = maxAhead;
    }

    /// <summary>The last position delivered; what a resubscription asks to resume after.</summary>
    public StreamPosition? LastPosition
    {
        get
        {
            lock (_gate)
            {
                return _position;
            }
        }
    }

    /// <summary>Holds every event back while a (re)subscription is in flight.</summary>
    public void Hold()
    {
        lock (_gate)
        {
            _holding = true;
            Interrupt();
        }
    }

    /// <summary>
    /// Applies a subscription result: reports a failed recovery, delivers the missed events, then the events that
    /// arrived meanwhile, deduplicated against them.
    /// </summary>
    /// <param name="current">The stream position the server returned.</param>
    /// <param name="recovered">Whether the server recovered every event after <paramref name="since"/>.</param>
    /// <param name="missed">The recovered events.</param>
    /// <param name="since">The position sent with the subscription, if any.</param>
    public void Resume(StreamPosition? current, bool recovered, IReadOnlyList<ChannelEvent>? missed, StreamPosition? since)
    {
        lock (_gate)
        {
            _holding = false;
            Interrupt();
            if (since is null)
            {
                _position = current;
            }
            else if (!recovered)
            {
                var sameEpoch = current is not null && current.Epoch == since.Epoch;
                if (!sameEpoch || current!.Offset > since.Offset)
                {
                    _sink.Gap(new GapDetectedEventArgs(
                        _channel,
                        current is null || sameEpoch ? GapReason.NotRecovered : GapReason.EpochChanged,
                        since.Epoch ?? string.Empty,
                        since.Offset + 1,
                        sameEpoch ? current!.Offset : null));
                }

                if (current is not null && !sameEpoch)
                {
                    _retiredEpochs.Add(since.Epoch ?? string.Empty);
                }

                _position = current;
            }

            var pending = new List<ChannelEvent>((missed?.Count ?? 0) + _ahead.Count + _held.Count);
            if (missed is not null)
            {
                pending.AddRange(missed);
            }

            pending.AddRange(_ahead.Values);
            _ahead.Clear();
            pending.AddRange(_held);
            _held = [];
            foreach (var @event in pending)
            {
                PushLocked(@event);
            }
        }
    }

    /// <summary>Takes one event from the connection.</summary>
    public void Push(ChannelEvent @event)
    {
        lock (_gate)
        {
            PushLocked(@event);
        }
    }

    /// <summary>Stops the timer and forgets everything; the subscription is gone.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            Interrupt();
            _holding = true;
            _held = [];
            _ahead.Clear();
        }
    }

    private void PushLocked(ChannelEvent @event)
    {
        if (_holding)
        {
            _held.Add(@event);
            return;
        }

        if (@event.Offset is not { } offset)
        {
            _sink.Deliver(@event);
            return;
        }

        var epoch = @event.Epoch ?? _position?.Epoch ?? string.Empty;
        if (_retiredEpochs.Contains(epoch))
        {
            return;
        }

        if (_position is null)
        {
            // No position yet (subscribed before history existed): start from the first event seen.
            _position = new StreamPosition(offset - 1, epoch);
        }
        else if (epoch != _position.Epoch)
        {
            SwitchEpoch(epoch);
        }

        var last = _position.Offset;
        if (offset <= last)
        {
            return;
        }

        if (offset == last + 1)
        {
            Emit(@event);
            Drain();
            return;
        }

        _ahead.TryAdd(offset, @event);
        if (_ahead.Count > _maxAhead)
        {
            CancelTimer();

            // Not inline: the fill would start its history call under this lock.
            _ = Task.Run(FillAsync);
        }
        else
        {
            ArmTimer();
        }
    }

    private void Interrupt()
    {
        CancelTimer();
        _generation++;
        _filling = false;
    }

    private void Emit(ChannelEvent @event)
    {
        _position = new StreamPosition(@event.Offset!.Value, _position!.Epoch);
        _sink.Deliver(@event);
    }

    /// <summary>Delivers the events that have become contiguous, and waits for the next hole if one remains.</summary>
    private void Drain()
    {
        while (_ahead.Remove(_position!.Offset + 1, out var next))
        {
            Emit(next);
        }

        // Anything at or below the position is a duplicate of what was just delivered.
        while (_ahead.Count > 0 && _ahead.First().Key <= _position.Offset)
        {
            _ahead.Remove(_ahead.First().Key);
        }

        if (_ahead.Count == 0)
        {
            CancelTimer();
        }
        else
        {
            ArmTimer();
        }
    }

    private void SwitchEpoch(string epoch)
    {
        var previous = _position!;

        // What we hold of the old stream can never be fetched any more: deliver it, reporting its holes.
        var stale = _ahead.Values.ToList();
        _ahead.Clear();
        foreach (var @event in stale)
        {
            SkipTo(@event.Offset!.Value - 1, GapReason.EpochChanged);
            Emit(@event);
        }

        _sink.Gap(new GapDetectedEventArgs(_channel, GapReason.EpochChanged, previous.Epoch ?? string.Empty, _position!.Offset + 1, null));
        _retiredEpochs.Add(previous.Epoch ?? string.Empty);
        Interrupt();
        _position = new StreamPosition(0, epoch);
    }

    /// <summary>Reports the offsets up to <paramref name="offset"/> that will never be delivered, and moves past them.</summary>
    private void SkipTo(long offset, GapReason reason)
    {
        var position = _position!;
        if (offset > position.Offset)
        {
            _sink.Gap(new GapDetectedEventArgs(_channel, reason, position.Epoch ?? string.Empty, position.Offset + 1, offset));
            _position = position with { Offset = offset };
        }
    }

    private void ArmTimer()
    {
        if (_timer is null && !_filling)
        {
            var generation = _generation;
            _timer = _timeProvider.CreateTimer(_ => OnTimer(generation), null, _reorderWindow, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer(int generation)
    {
        lock (_gate)
        {
            if (generation != _generation)
            {
                return;
            }

            _timer?.Dispose();
            _timer = null;
        }

        _ = FillAsync();
    }

    private void CancelTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }

    /// <summary>Fetches the hole before the first event held ahead from history; what history lacks is a gap.</summary>
    private async Task FillAsync()
    {
        long target;
        string epoch;
        int generation;
        lock (_gate)
        {
            if (_filling || _holding || _ahead.Count == 0 || !_sink.CanFetch)
            {
                return;
            }

            generation = _generation;
            target = _ahead.First().Key - 1;
            epoch = _position!.Epoch ?? string.Empty;
            _filling = true;
        }

        var failed = false;
        while (true)
        {
            StreamPosition since;
            lock (_gate)
            {
                if (generation != _generation)
                {
                    return;
                }

                if (_position!.Offset >= target)
                {
                    break;
                }

                since = _position;
            }

            HistoryResult? history;
            try
            {
                history = await _sink.FetchHistoryAsync(since, (int)Math.Min(target - since.Offset, MaxFetch), CancellationToken.None)
                    .ConfigureAwait(false);
            }
            catch (Exception)
            {
                failed = true;
                break;
            }

            lock (_gate)
            {
                if (generation != _generation)
                {
                    return;
                }

                var usable = (history?.Events ?? [])
                    .Where(e => e.Offset is { } o && (e.Epoch ?? epoch) == epoch && o > _position!.Offset && o <= target)
                    .OrderBy(e => e.Offset)
                    .ToList();
                if (usable.Count == 0)
                {
                    break;
                }

                foreach (var @event in usable)
                {
                    if (@event.Offset > _position!.Offset)
                    {
                        SkipTo(@event.Offset!.Value - 1, GapReason.HistoryIncomplete);
                        Emit(@event);
                    }
                }
            }
        }

        lock (_gate)
        {
            if (generation != _generation)
            {
                return;
            }

            _filling = false;
            SkipTo(target, failed ? GapReason.HistoryError : GapReason.HistoryIncomplete);
            Drain();
        }
    }
}
