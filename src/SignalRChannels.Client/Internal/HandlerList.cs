using System.Collections.Immutable;

namespace SignalRChannels.Client.Internal;

/// <summary>
/// Handlers keyed by event name (or <see langword="null"/> for "every app event"), copy-on-write so that the
/// dispatch loop reads a snapshot while other threads add and remove handlers.
/// </summary>
internal sealed class HandlerList
{
    private readonly object _gate = new();
    private ImmutableArray<Entry> _entries = [];

    public delegate ValueTask Handler(ChannelEvent @event, CancellationToken cancellationToken);

    public IDisposable Add(string? key, Handler handler, Action? onRemoved = null)
    {
        var entry = new Entry(this, key, handler, onRemoved);
        lock (_gate)
        {
            _entries = _entries.Add(entry);
        }

        return entry;
    }

    /// <summary>The handlers of <paramref name="eventName"/>, plus the catch-all ones when <paramref name="includeCatchAll"/>.</summary>
    public IEnumerable<Handler> For(string eventName, bool includeCatchAll)
    {
        foreach (var entry in _entries)
        {
            if (entry.Key is null ? includeCatchAll : string.Equals(entry.Key, eventName, StringComparison.Ordinal))
            {
                yield return entry.Handler;
            }
        }
    }

    /// <summary>Removes every handler (the subscription is gone), completing the readers waiting on them.</summary>
    public void Clear()
    {
        ImmutableArray<Entry> removed;
        lock (_gate)
        {
            removed = _entries;
            _entries = [];
        }

        foreach (var entry in removed)
        {
            entry.OnRemoved?.Invoke();
        }
    }

    private void Remove(Entry entry)
    {
        lock (_gate)
        {
            _entries = _entries.Remove(entry);
        }
    }

    private sealed class Entry(HandlerList owner, string? key, Handler handler, Action? onRemoved) : IDisposable
    {
        private int _disposed;

        public string? Key { get; } = key;

        public Handler Handler { get; } = handler;

        public Action? OnRemoved { get; } = onRemoved;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Remove(this);
                OnRemoved?.Invoke();
            }
        }
    }
}
