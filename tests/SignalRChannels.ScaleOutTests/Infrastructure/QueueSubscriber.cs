namespace SignalRChannels.ScaleOutTests.Infrastructure;

/// <summary>
/// A .NET client subscribed to every channel of a queue test, recording what its app handlers see (offset, publishing
/// node, i) and any gap event, and telling when every event a <see cref="QueueLedger"/> holds has arrived.
/// </summary>
public sealed class QueueSubscriber
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<(long Offset, string Node, int I)>> _deliveries = [];
    private readonly List<GapDetectedEventArgs> _gaps = [];
    private readonly List<(Func<bool> Done, TaskCompletionSource Signal)> _waiters = [];
    private int _count;

    public QueueSubscriber(ChannelsClient client, IEnumerable<string> channels)
    {
        Client = client;
        foreach (var channel in channels)
        {
            _deliveries[channel] = [];
            var subscription = client.Channel(channel);
            subscription.On<QueuedTick>("tick", (tick, e) =>
            {
                Add(channel, (e.Offset!.Value, tick.Node, tick.I));
                return Task.CompletedTask;
            });
            subscription.GapDetected += (_, gap) =>
            {
                lock (_gate)
                {
                    _gaps.Add(gap);
                }
            };
            Subscriptions.Add(subscription);
        }
    }

    public ChannelsClient Client { get; }

    public List<ChannelSubscription> Subscriptions { get; } = [];

    public IReadOnlyList<GapDetectedEventArgs> Gaps
    {
        get
        {
            lock (_gate)
            {
                return [.. _gaps];
            }
        }
    }

    /// <summary>Completes once every event the ledger holds has been delivered on its channel.</summary>
    public Task WhenAllDeliveredAsync(QueueLedger ledger, string[] channels)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool Done() => _count >= ledger.Count && channels.All(channel => new[] { "a", "b" }.All(node =>
            ledger.AcceptedOf(node, channel).ToHashSet().IsSubsetOf(_deliveries[channel].Where(d => d.Node == node).Select(d => d.I))));
        lock (_gate)
        {
            if (Done())
            {
                return Task.CompletedTask;
            }

            _waiters.Add((Done, signal));
        }

        return signal.Task;
    }

    /// <summary>
    /// On <paramref name="channel"/>: offsets 1, 2, … in delivery order, as many as history holds; every accepted event
    /// once; nothing that was neither accepted nor possibly stored; each node's events in its enqueue order.
    /// </summary>
    public void AssertExactlyOnceInOrder(QueueLedger ledger, string channel, long stored)
    {
        List<(long Offset, string Node, int I)> delivered;
        lock (_gate)
        {
            delivered = [.. _deliveries[channel]];
        }

        Assert.Equal(stored, delivered.Count);
        Assert.True(
            delivered.Select(d => d.Offset).SequenceEqual(Enumerable.Range(1, delivered.Count).Select(o => (long)o)),
            $"{channel}: offsets are not 1..{delivered.Count} in order");
        foreach (var node in new[] { "a", "b" })
        {
            var sequence = delivered.Where(d => d.Node == node).Select(d => d.I).ToList();
            Assert.True(sequence.Zip(sequence.Skip(1)).All(p => p.First < p.Second), $"{channel}: node {node}'s events out of enqueue order or repeated");
            var accepted = ledger.AcceptedOf(node, channel);
            var missing = accepted.Except(sequence).ToList();
            var unexpected = sequence.Except(accepted).Where(i => !ledger.IsAmbiguous(node, channel, i)).ToList();
            Assert.True(missing.Count == 0, $"{channel}: accepted events of node {node} never delivered: {string.Join(',', missing.Take(20))}");
            Assert.True(unexpected.Count == 0, $"{channel}: events of node {node} delivered but never queued: {string.Join(',', unexpected.Take(20))}");
        }
    }

    private void Add(string channel, (long Offset, string Node, int I) delivery)
    {
        List<TaskCompletionSource> done = [];
        lock (_gate)
        {
            _deliveries[channel].Add(delivery);
            _count++;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Done())
                {
                    done.Add(_waiters[i].Signal);
                    _waiters.RemoveAt(i);
                }
            }
        }

        done.ForEach(d => d.TrySetResult());
    }
}
