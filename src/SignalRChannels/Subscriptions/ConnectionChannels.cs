using System.Threading.RateLimiting;

namespace SignalRChannels.Subscriptions;

/// <summary>
/// One connection's subscriptions (with the presence member each was authorized as) and its whisper
/// rate limiter. Methods are thread-safe; <see cref="LockAsync"/> serializes the operations that change
/// subscriptions (subscribe, unsubscribe, revocation, disconnect), so none of them interleaves with another's
/// awaits — a client may run several invocations at once (<c>MaximumParallelInvocationsPerClient</c>).
/// </summary>
internal sealed class ConnectionChannels(string connectionId, string? userId, string alias, ReplenishingRateLimiter whisperLimiter) : IDisposable
{
    private readonly Dictionary<ChannelName, PresenceMember?> _channels = [];
    private readonly Dictionary<ChannelName, EventFilter> _filters = [];
    private readonly SemaphoreSlim _operations = new(1, 1);

    public string ConnectionId { get; } = connectionId;

    public string? UserId { get; } = userId;

    /// <summary>What others see of an anonymous connection (whisper <c>from</c>): stable, opaque, not its connection id.</summary>
    public string Alias { get; } = alias;

    /// <summary>The connection's whisper limiter; it renews its window only when asked (<see cref="AcquireWhisperPermit"/>).</summary>
    public ReplenishingRateLimiter WhisperLimiter { get; } = whisperLimiter;

    /// <summary>What the query API lists of the connection; set when it is registered.</summary>
    public ChannelsConnectionInfo? Info { get; set; }

    /// <summary>The connection's traffic, when it came through a channel hub's connection handler.</summary>
    public Diagnostics.ConnectionTraffic? Traffic { get; set; }

    /// <summary>The last heartbeat: when it arrived and the round trip the client measured before it (ms), if any.</summary>
    public (DateTimeOffset At, double? RoundTripMs)? LastHeartbeat { get; set; }

    public bool TryGet(ChannelName channel, out PresenceMember? member)
    {
        lock (_channels)
        {
            return _channels.TryGetValue(channel, out member);
        }
    }

    /// <summary>Adds or refreshes a subscription unless the limit is reached; reports the member it had before, if any.</summary>
    public bool TryAdd(ChannelName channel, PresenceMember? member, int limit, out bool existed, out PresenceMember? previous)
    {
        lock (_channels)
        {
            existed = _channels.TryGetValue(channel, out previous);
            if (!existed && _channels.Count >= limit)
            {
                return false;
            }

            _channels[channel] = member;
            return true;
        }
    }

    /// <summary>Sets the event filter of a subscription (null for all events) and returns the one it had.</summary>
    public EventFilter? SwapFilter(ChannelName channel, EventFilter? filter)
    {
        lock (_channels)
        {
            _filters.Remove(channel, out var previous);
            if (filter is not null)
            {
                _filters[channel] = filter;
            }

            return previous;
        }
    }

    public EventFilter? FilterOf(ChannelName channel)
    {
        lock (_channels)
        {
            return _filters.GetValueOrDefault(channel);
        }
    }

    /// <summary>Forgets the filter of a subscription that was removed, for its teardown.</summary>
    public EventFilter? TakeFilter(ChannelName channel) => SwapFilter(channel, null);

    /// <summary>Forgets every filter, for the teardown of a closed connection.</summary>
    public KeyValuePair<ChannelName, EventFilter>[] TakeFilters()
    {
        lock (_channels)
        {
            var all = _filters.ToArray();
            _filters.Clear();
            return all;
        }
    }

    /// <summary>Removes a subscription and returns the member it was authorized as.</summary>
    public bool Remove(ChannelName channel, out PresenceMember? member)
    {
        lock (_channels)
        {
            return _channels.Remove(channel, out member);
        }
    }

    public KeyValuePair<ChannelName, PresenceMember?>[] RemoveMatching(ChannelPattern pattern)
    {
        lock (_channels)
        {
            var matched = _channels.Where(p => pattern.IsMatch(p.Key)).ToArray();
            foreach (var pair in matched)
            {
                _channels.Remove(pair.Key);
            }

            return matched;
        }
    }

    public KeyValuePair<ChannelName, PresenceMember?>[] RemoveAll()
    {
        lock (_channels)
        {
            var all = _channels.ToArray();
            _channels.Clear();
            return all;
        }
    }

    public ChannelName[] Snapshot()
    {
        lock (_channels)
        {
            return _channels.Keys.ToArray();
        }
    }

    /// <summary>The presence subscriptions and the member each was authorized as.</summary>
    public KeyValuePair<ChannelName, PresenceMember>[] PresenceSubscriptions()
    {
        lock (_channels)
        {
            return _channels.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, p.Value!)).ToArray();
        }
    }

    /// <summary>Waits for the connection's other subscription operations; dispose the result to let the next one run.</summary>
    public async ValueTask<Releaser> LockAsync(CancellationToken cancellationToken = default)
    {
        await _operations.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(_operations);
    }

    // The semaphore is left to the GC: an operation still queued on it when the connection closes must not fault.
    /// <summary>
    /// Takes one whisper permit: renews the limiter's window first if a whole window has passed since the last
    /// renewal, then asks for the permit (never waits).
    /// </summary>
    public RateLimitLease AcquireWhisperPermit()
    {
        WhisperLimiter.TryReplenish();
        return WhisperLimiter.AttemptAcquire();
    }

    public void Dispose() => WhisperLimiter.Dispose();

    public readonly struct Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
