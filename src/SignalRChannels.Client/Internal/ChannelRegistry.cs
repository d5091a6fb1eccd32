using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace SignalRChannels.Client.Internal;

/// <summary>The client's subscriptions by full name, and the dispatch of the hub's <c>ChannelEvent</c> to them.</summary>
internal sealed class ChannelRegistry(ILogger logger)
{
    private readonly Dictionary<string, ChannelSubscription> _byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ChannelSubscription> _channels = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public IReadOnlyCollection<ChannelSubscription> All => [.. _channels.Values];

    /// <summary>The subscriptions waiting to be (re)subscribed.</summary>
    public ChannelSubscription[] Wanted => _channels.Values.Where(s => s.WantsSubscription).ToArray();

    public ChannelSubscription GetOrAdd(string fullName, Func<string, ChannelSubscription> create, out bool created)
    {
        lock (_gate)
        {
            created = !_byName.TryGetValue(fullName, out var subscription);
            if (created)
            {
                subscription = create(fullName);
                _byName.Add(fullName, subscription);
                _channels[fullName] = subscription;
            }

            return subscription!;
        }
    }

    public bool TryRemove(string fullName, [NotNullWhen(true)] out ChannelSubscription? subscription)
    {
        lock (_gate)
        {
            if (!_byName.Remove(fullName, out subscription))
            {
                return false;
            }

            _channels.TryRemove(fullName, out _);
            return true;
        }
    }

    public ChannelSubscription[] RemoveAll()
    {
        lock (_gate)
        {
            ChannelSubscription[] channels = [.. _byName.Values];
            _byName.Clear();
            _channels.Clear();
            return channels;
        }
    }

    public void SuspendAll()
    {
        foreach (var subscription in _channels.Values)
        {
            subscription.Suspend();
        }
    }

    /// <summary>Completes once the channel's handlers have run for everything delivered so far.</summary>
    public Task FlushAsync(string fullName) =>
        _channels.TryGetValue(fullName, out var subscription) ? subscription.FlushAsync() : Task.CompletedTask;

    /// <summary>Hands an event from the hub to its channel's subscription; events of channels not held are dropped.</summary>
    public void Dispatch(ChannelEvent @event)
    {
        if (@event?.Channel is not { } channel || @event.Event is null)
        {
            ChannelsClientLog.MalformedEvent(logger);
            return;
        }

        if (_channels.TryGetValue(channel, out var subscription))
        {
            subscription.Receive(@event);
        }
    }
}
