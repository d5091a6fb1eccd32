using System.Collections.Concurrent;
using System.Collections.Immutable;
using SignalRChannels.Subscriptions;

namespace SignalRChannels.Pipeline;

/// <summary>
/// Which event filters have subscribers on which channels, cluster-wide, so a publish sends each event once to the
/// channel's group and once more to the group of every filter that passes it — and nothing more on channels without
/// filtered subscribers. A node announces a (channel, filter) on the command bus when its first local subscription
/// with it starts and withdraws it when its last one ends; a starting node asks the others to announce theirs.
/// </summary>
/// <remarks>
/// An announcement takes one command-bus hop to reach the other nodes: an event another node publishes within that
/// moment skips the new filtered subscription (on history-enabled channels the client sees the hole through
/// <c>previousOffset</c> and fills it from history). A node that dies keeps its filters in the others' view until
/// they restart; each costs one unheard group send per matching event.
/// </remarks>
internal sealed class FilterInterest(IChannelCommandBus bus)
{
    public const string AddKind = "filter-add";
    public const string RemoveKind = "filter-remove";
    public const string SyncKind = "filter-sync";

    private readonly string _nodeId = Guid.NewGuid().ToString("N");
    private readonly Dictionary<(string Channel, string Key), (EventFilter Filter, int Count)> _local = [];

    // Per channel, every filter with subscribers and the nodes that hold them. Read on every publish: lock-free.
    private readonly ConcurrentDictionary<string, ImmutableArray<(EventFilter Filter, ImmutableHashSet<string> Nodes)>> _cluster =
        new(StringComparer.Ordinal);

    // How many channels have filters: while none do (the common case) a publish does not even look a channel up.
    // Not ConcurrentDictionary.IsEmpty, which takes every lock of the dictionary when it is empty.
    private volatile int _filteredChannels;

    /// <summary>The filters with subscribers on a channel; empty (and allocation-free) for channels without any.</summary>
    public ImmutableArray<(EventFilter Filter, ImmutableHashSet<string> Nodes)> FiltersOf(ChannelName channel) =>
        _filteredChannels > 0 && _cluster.TryGetValue(channel.Value, out var filters) ? filters : [];

    public Task AddAsync(ChannelName channel, EventFilter filter)
    {
        lock (_local)
        {
            var key = (channel.Value, filter.Key);
            var count = _local.TryGetValue(key, out var entry) ? entry.Count : 0;
            _local[key] = (filter, count + 1);
            if (count > 0)
            {
                return Task.CompletedTask;
            }

            Apply(channel.Value, filter, _nodeId, add: true);
        }

        return AnnounceAsync(AddKind, channel.Value, filter);
    }

    public Task RemoveAsync(ChannelName channel, EventFilter filter)
    {
        lock (_local)
        {
            var key = (channel.Value, filter.Key);
            if (!_local.TryGetValue(key, out var entry))
            {
                return Task.CompletedTask;
            }

            if (entry.Count > 1)
            {
                _local[key] = (filter, entry.Count - 1);
                return Task.CompletedTask;
            }

            _local.Remove(key);
            Apply(channel.Value, filter, _nodeId, add: false);
        }

        return AnnounceAsync(RemoveKind, channel.Value, filter);
    }

    /// <summary>Asks the other nodes to announce their filters; called once the command bus is subscribed.</summary>
    public Task RequestSyncAsync(CancellationToken cancellationToken) =>
        bus.PublishAsync(new ChannelCommand(SyncKind, _nodeId, string.Empty), cancellationToken);

    /// <summary>Applies another node's announcement; ignores this node's own (its state is applied directly) and other kinds.</summary>
    public async Task ApplyAsync(ChannelCommand command)
    {
        if (command.Kind == SyncKind)
        {
            if (command.Target != _nodeId)
            {
                (string Channel, EventFilter Filter)[] mine;
                lock (_local)
                {
                    mine = [.. _local.Select(p => (p.Key.Channel, p.Value.Filter))];
                }

                foreach (var (channel, filter) in mine)
                {
                    await AnnounceAsync(AddKind, channel, filter).ConfigureAwait(false);
                }
            }

            return;
        }

        if (command.Kind is not (AddKind or RemoveKind))
        {
            return;
        }

        var separator = command.Pattern.IndexOf(EventFilter.Separator, StringComparison.Ordinal);
        if (separator <= 0 || command.Pattern[..separator] == _nodeId)
        {
            return;
        }

        lock (_local)
        {
            Apply(command.Target, EventFilter.Parse(command.Pattern[(separator + 1)..]), command.Pattern[..separator], command.Kind == AddKind);
        }
    }

    private Task AnnounceAsync(string kind, string channel, EventFilter filter) =>
        bus.PublishAsync(new ChannelCommand(kind, channel, _nodeId + EventFilter.Separator + filter.Join()), CancellationToken.None);

    /// <summary>Called under the lock of <see cref="_local"/>, so updates of the cluster view never interleave.</summary>
    private void Apply(string channel, EventFilter filter, string node, bool add)
    {
        var filters = _cluster.TryGetValue(channel, out var current) ? current : [];
        var index = -1;
        for (var i = 0; i < filters.Length && index < 0; i++)
        {
            index = filters[i].Filter.Key == filter.Key ? i : -1;
        }

        var nodes = index >= 0 ? filters[index].Nodes : [];
        nodes = add ? nodes.Add(node) : nodes.Remove(node);
        filters = index >= 0
            ? nodes.IsEmpty ? filters.RemoveAt(index) : filters.SetItem(index, (filters[index].Filter, nodes))
            : nodes.IsEmpty ? filters : filters.Add((filter, nodes));
        if (filters.IsEmpty)
        {
            if (_cluster.TryRemove(channel, out _))
            {
                _filteredChannels--;
            }
        }
        else
        {
            if (current.IsDefaultOrEmpty)
            {
                _filteredChannels++;
            }

            _cluster[channel] = filters;
        }
    }
}
