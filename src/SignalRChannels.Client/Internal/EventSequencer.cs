namespace SignalRChannels.Client.Internal;

/// <summary>
/// Turns the events of one channel as they arrive (duplicated, out of order, across reconnects) into the events the
/// app sees: each offset once, in order, and every hole either filled from history after a short reorder window or
/// reported as a gap. Events without an offset pass straight through, except a repeat of an event id (a queued event sent
/// twice). Thread-safe: one lock guards the state, and the sink is called under it. This class holds back events during (re)subscriptions and fills holes from history after the
/// reorder window; the <see cref="OrderedEventBuffer"/> keeps the order.
/// </summary>
internal sealed class EventSequencer : IDisposable
{
    // One history call fetches at most this many events; longer holes take several calls.
    private const int MaxFetch = 500;

    private readonly object _gate = new();
    private readonly ISequencerSink _sink;
    private readonly OrderedEventBuffer _buffer;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _reorderWindow;
    private readonly int _maxAhead;
    private readonly RecentEventIds _recentIds = new();
    private List<ChannelEvent> _held = [];
    private bool _holding = true;
    private bool _filling;
    private ITimer? _timer;

    // Bumped whenever a history fill in flight must be ignored (resubscription, epoch switch, dispose).
    private int _generation;

    public EventSequencer(string channel, ISequencerSink sink, TimeProvider timeProvider, TimeSpan reorderWindow, int maxAhead)
    {
        _sink = sink;
        _buffer = new OrderedEventBuffer(channel, sink);
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
                return _buffer.Position;
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
            _buffer.Resume(current, recovered, since);

            var pending = new List<ChannelEvent>((missed?.Count ?? 0) + _buffer.AheadCount + _held.Count);
            if (missed is not null)
            {
                pending.AddRange(missed);
            }

            pending.AddRange(_buffer.TakeAhead());
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
            _buffer.ClearAhead();
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
            // A queued event sent twice (a worker's retry, a takeover after a crash) carries the same id.
            if (@event.Id is not { } id || _recentIds.Add(id))
            {
                _sink.Deliver(@event);
            }

            return;
        }

        var placement = _buffer.Place(@event, offset, out var epochSwitched);
        if (epochSwitched)
        {
            Interrupt();
        }

        if (placement == OrderedEventBuffer.Placement.Dropped)
        {
            return;
        }

        if (placement == OrderedEventBuffer.Placement.Next)
        {
            _buffer.Emit(@event);
            Drain();
            return;
        }

        if (_buffer.AheadCount > _maxAhead)
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

    /// <summary>Delivers the events that have become contiguous, and waits for the next hole if one remains.</summary>
    private void Drain()
    {
        if (_buffer.Drain())
        {
            ArmTimer();
        }
        else
        {
            CancelTimer();
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
            if (_filling || _holding || _buffer.AheadCount == 0 || !_sink.CanFetch)
            {
                return;
            }

            generation = _generation;
            target = _buffer.FirstAheadPrevious;
            epoch = _buffer.Position!.Epoch ?? string.Empty;
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

                since = _buffer.Position!;
                if (since.Offset >= target)
                {
                    break;
                }

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
                    .Where(e => e.Offset is { } o && (e.Epoch ?? epoch) == epoch && o > _buffer.Position!.Offset && o <= target)
                    .OrderBy(e => e.Offset)
                    .ToList();
                if (usable.Count == 0)
                {
                    break;
                }

                foreach (var @event in usable)
                {
                    if (@event.Offset > _buffer.Position!.Offset)
                    {
                        _buffer.SkipTo(OrderedEventBuffer.PreviousOf(@event), GapReason.HistoryIncomplete);
                        _buffer.Emit(@event);
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
            _buffer.SkipTo(target, failed ? GapReason.HistoryError : GapReason.HistoryIncomplete);
            Drain();
        }
    }
}
