using System.Collections.Concurrent;
using System.Text.Json;

namespace SignalRChannels.Persistence.Internal;

/// <summary>
/// The default, single-node history store: a ring buffer per channel, guarded by a lock per channel.
/// Streams live in process memory, so a restart loses them all and every channel gets a new epoch.
/// </summary>
internal sealed class InMemoryChannelEventStore : IChannelEventStore
{
    // Expired streams are dropped by a sweep that piggybacks on calls, at most once per interval, so channels that
    // go quiet do not pile up; an expired stream met before the sweep is started over on the spot.
    private static readonly TimeSpan s_sweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, HistoryStream> _streams = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private long _nextSweep;

    public InMemoryChannelEventStore(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _nextSweep = timeProvider.GetTimestamp() + TicksOf(s_sweepInterval);
    }

    /// <summary>How many streams are held, expired ones not yet swept included.</summary>
    internal int StreamCount => _streams.Count;

    public ValueTask<ChannelEvent> AppendAsync(ChannelName channel, ChannelEvent channelEvent, HistoryPolicy policy, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Append(channel, channelEvent, policy, names: [], cancellationToken).Event);

    /// <summary>Looks back through the retained events; beyond them it reports the offset before the oldest.</summary>
    public ValueTask<(ChannelEvent Event, long[] PreviousOffsets)> AppendAsync(
        ChannelName channel, ChannelEvent channelEvent, HistoryPolicy policy, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(names);
        return ValueTask.FromResult(Append(channel, channelEvent, policy, names, cancellationToken));
    }

    private (ChannelEvent Event, long[] PreviousOffsets) Append(
        ChannelName channel, ChannelEvent channelEvent, HistoryPolicy policy, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channelEvent);
        ArgumentNullException.ThrowIfNull(policy);
        cancellationToken.ThrowIfCancellationRequested();

        // The caller's payload may live in a pooled document that is returned after the publish; keep our own.
        var data = channelEvent.Data.ValueKind == JsonValueKind.Undefined ? channelEvent.Data : channelEvent.Data.Clone();
        var stream = Enter(channel);
        try
        {
            var previous = names.Count == 0 ? [] : stream.PreviousOffsets(names);
            var topBefore = stream.Top;
            var appended = stream.Append(channelEvent, data, policy);
            if (appended.Offset <= topBefore)
            {
                // A repeat (its id was seen): it keeps its first offset, and nothing lies just before it.
                Array.Fill(previous, appended.Offset!.Value - 1);
            }

            stream.Touch(_timeProvider.GetTimestamp(), policy.Ttl);
            return (appended, previous);
        }
        finally
        {
            Monitor.Exit(stream);
        }
    }

    public ValueTask<HistoryPage> ReadAsync(ChannelName channel, HistoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();

        var stream = Enter(channel);
        try
        {
            var position = stream.Position;
            IReadOnlyList<ChannelEvent> events = query.Since is { Epoch: { } epoch } && epoch != stream.Epoch
                ? []
                : stream.Read(query.Since?.Offset ?? 0, query.Limit, query.Reverse);
            return ValueTask.FromResult(new HistoryPage { Position = position, Events = events });
        }
        finally
        {
            Monitor.Exit(stream);
        }
    }

    public ValueTask<RecoveryResult> RecoverAsync(ChannelName channel, StreamPosition since, int maxEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(since);
        ArgumentOutOfRangeException.ThrowIfNegative(maxEvents);
        cancellationToken.ThrowIfCancellationRequested();

        var stream = Enter(channel);
        try
        {
            var position = stream.Position;
            var missed = stream.Top - since.Offset;
            var recoverable = since.Epoch == stream.Epoch
                && since.Offset >= 0
                && missed >= 0
                && missed <= maxEvents
                && since.Offset + 1 >= stream.Oldest;
            return ValueTask.FromResult(new RecoveryResult
            {
                Position = position,
                Recovered = recoverable,
                Events = recoverable ? stream.Read(since.Offset, (int)missed, reverse: false) : [],
            });
        }
        finally
        {
            Monitor.Exit(stream);
        }
    }

    public ValueTask<StreamPosition> GetPositionAsync(ChannelName channel, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var stream = Enter(channel);
        try
        {
            return ValueTask.FromResult(stream.Position);
        }
        finally
        {
            Monitor.Exit(stream);
        }
    }

    /// <summary>
    /// Finds or creates the channel's stream and returns it locked, started over when it has expired. An empty
    /// stream's epoch is kept alive by every look, as the Redis store does.
    /// </summary>
    private HistoryStream Enter(ChannelName channel)
    {
        SweepIfDue();
        while (true)
        {
            var stream = _streams.GetOrAdd(channel.Value, static _ => new HistoryStream());
            Monitor.Enter(stream);
            if (!stream.Removed)
            {
                var now = _timeProvider.GetTimestamp();
                if (stream.Epoch is null || _timeProvider.GetElapsedTime(stream.Touched, now) >= stream.Ttl)
                {
                    stream.StartOver();
                }

                if (stream.Top == 0)
                {
                    stream.Touch(now, StreamEpoch.EmptyStreamTtl);
                }

                return stream;
            }

            // The sweep removed it between the lookup and the lock; the next lookup creates a fresh one.
            Monitor.Exit(stream);
        }
    }

    private void SweepIfDue()
    {
        var now = _timeProvider.GetTimestamp();
        var due = Volatile.Read(ref _nextSweep);
        if (now < due || Interlocked.CompareExchange(ref _nextSweep, now + TicksOf(s_sweepInterval), due) != due)
        {
            return;
        }

        foreach (var pair in _streams)
        {
            var stream = pair.Value;
            lock (stream)
            {
                if (_timeProvider.GetElapsedTime(stream.Touched, _timeProvider.GetTimestamp()) >= stream.Ttl)
                {
                    stream.Removed = true;
                    _streams.TryRemove(pair);
                }
            }
        }
    }

    private long TicksOf(TimeSpan duration) => (long)(duration.TotalSeconds * _timeProvider.TimestampFrequency);

    /// <summary>One channel's stream. Every member is used under the stream's lock.</summary>
    private sealed class HistoryStream
    {
        private const int InitialCapacity = 8;

        // Event with offset o sits at _ring[o % _ring.Length]; the ring grows by doubling up to the policy's size.
        private ChannelEvent[] _ring = [];
        private int _count;
        private readonly Dictionary<string, long> _ids = new(StringComparer.Ordinal);
        private readonly Queue<string> _idOrder = new();

        public string? Epoch { get; private set; }

        /// <summary>The newest offset; 0 while the stream has no events.</summary>
        public long Top { get; private set; }

        /// <summary>The oldest retained offset; <see cref="Top"/> + 1 when nothing is retained.</summary>
        public long Oldest => Top - _count + 1;

        public long Touched { get; private set; }

        public TimeSpan Ttl { get; private set; }

        public bool Removed { get; set; }

        public StreamPosition Position => new() { Offset = Top, Epoch = Epoch };

        public void StartOver()
        {
            Epoch = StreamEpoch.New();
            Top = 0;
            _ring = [];
            _count = 0;
            _ids.Clear();
            _idOrder.Clear();
        }

        public void Touch(long now, TimeSpan ttl)
        {
            Touched = now;
            Ttl = ttl;
        }

        public ChannelEvent Append(ChannelEvent channelEvent, JsonElement data, HistoryPolicy policy)
        {
            // A retried append of a recent event that carried an id (a queue worker's retry) is not appended twice.
            if (channelEvent.Id is { } id && _ids.TryGetValue(id, out var seen))
            {
                return channelEvent.WithPosition(seen, Epoch);
            }

            var capacity = _ring.Length > policy.Size ? policy.Size
                : _count == _ring.Length && _ring.Length < policy.Size ? Math.Min(policy.Size, Math.Max(InitialCapacity, _ring.Length * 2))
                : _ring.Length;
            if (capacity != _ring.Length)
            {
                Resize(capacity);
            }

            var appended = new ChannelEvent
            {
                Channel = channelEvent.Channel,
                Event = channelEvent.Event,
                Data = data,
                Timestamp = channelEvent.Timestamp,
                From = channelEvent.From,
                Id = channelEvent.Id,
                Offset = Top + 1,
                Epoch = Epoch,
            };
            Top++;
            _ring[Top % _ring.Length] = appended;
            if (channelEvent.Id is not null)
            {
                _ids.Add(channelEvent.Id, Top);
                _idOrder.Enqueue(channelEvent.Id);
                if (_idOrder.Count > ChannelEventIds.Remembered)
                {
                    _ids.Remove(_idOrder.Dequeue());
                }
            }

            _count = Math.Min(_count + 1, _ring.Length);
            return appended;
        }

        /// <summary>Per name, the newest retained offset with that name, else the offset before the oldest retained.</summary>
        public long[] PreviousOffsets(IReadOnlyList<string> names)
        {
            var previous = new long[names.Count];
            var found = new bool[names.Count];
            Array.Fill(previous, Math.Max(Oldest - 1, 0));
            var open = names.Count;
            for (var offset = Top; offset >= Oldest && offset > 0 && open > 0; offset--)
            {
                var name = _ring[offset % _ring.Length].Event;
                for (var i = 0; i < names.Count; i++)
                {
                    if (!found[i] && string.Equals(names[i], name, StringComparison.Ordinal))
                    {
                        previous[i] = offset;
                        found[i] = true;
                        open--;
                    }
                }
            }

            return previous;
        }

        /// <summary>Retained events after <paramref name="since"/>, oldest first (or the newest first when reversed).</summary>
        public ChannelEvent[] Read(long since, int limit, bool reverse)
        {
            if (since >= Top)
            {
                return [];
            }

            var from = Math.Max(Oldest, since + 1);
            var count = (int)Math.Clamp(Top - from + 1, 0, limit);
            var events = new ChannelEvent[count];
            for (var i = 0; i < count; i++)
            {
                events[i] = At(reverse ? Top - i : from + i);
            }

            return events;
        }

        private ChannelEvent At(long offset) => _ring[offset % _ring.Length];

        private void Resize(int capacity)
        {
            var ring = new ChannelEvent[capacity];
            var keep = Math.Min(_count, capacity);
            for (var offset = Top - keep + 1; offset <= Top; offset++)
            {
                ring[offset % capacity] = At(offset);
            }

            _ring = ring;
            _count = keep;
        }
    }
}
