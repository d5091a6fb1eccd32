namespace SignalRChannels.ScaleOutTests.Infrastructure;

/// <summary>
/// What the queue acknowledged, per publishing node and channel, in enqueue order; and the events whose enqueue failed
/// with <c>unavailable</c> (the store may have taken them before the error: they may be delivered, at most once).
/// </summary>
public sealed class QueueLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Node, string Channel), List<int>> _accepted = [];
    private readonly HashSet<(string Node, string Channel, int I)> _ambiguous = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public int Refused { get; private set; }

    public void Accept(string node, string channel, IEnumerable<int> accepted)
    {
        List<TaskCompletionSource> reached = [];
        lock (_gate)
        {
            if (!_accepted.TryGetValue((node, channel), out var list))
            {
                _accepted[(node, channel)] = list = [];
            }

            var before = list.Count;
            list.AddRange(accepted);
            _count += list.Count - before;
            reached = [.. _waiters.Where(w => _count >= w.Count).Select(w => w.Reached)];
            _waiters.RemoveAll(w => _count >= w.Count);
        }

        reached.ForEach(r => r.TrySetResult());
    }

    public void Refuse(string node, string channel, int i, string code)
    {
        lock (_gate)
        {
            Refused++;
            if (code == "unavailable")
            {
                _ambiguous.Add((node, channel, i));
            }
        }
    }

    /// <summary>Completes once at least <paramref name="count"/> events were accepted.</summary>
    public Task WhenAcceptedAsync(int count, TimeSpan timeout)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_count >= count)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((count, reached));
        }

        return reached.Task.WaitAsync(timeout);
    }

    public IReadOnlyList<int> AcceptedOf(string node, string channel)
    {
        lock (_gate)
        {
            return _accepted.TryGetValue((node, channel), out var list) ? [.. list] : [];
        }
    }

    public bool IsAmbiguous(string node, string channel, int i)
    {
        lock (_gate)
        {
            return _ambiguous.Contains((node, channel, i));
        }
    }

    public int Ambiguous
    {
        get
        {
            lock (_gate)
            {
                return _ambiguous.Count;
            }
        }
    }
}
