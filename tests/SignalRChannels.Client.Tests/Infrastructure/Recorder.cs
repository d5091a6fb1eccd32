namespace SignalRChannels.Client.Tests.Infrastructure;

/// <summary>Collects items from handlers on any thread, and lets a test await a condition on them without sleeping.</summary>
public sealed class Recorder<T>
{
    private readonly object _gate = new();
    private readonly List<T> _items = [];
    private readonly List<(Func<IReadOnlyList<T>, bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_gate)
            {
                return [.. _items];
            }
        }
    }

    public void Add(T item)
    {
        List<TaskCompletionSource> done = [];
        lock (_gate)
        {
            _items.Add(item);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Condition(_items))
                {
                    done.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        done.ForEach(d => d.TrySetResult());
    }

    /// <summary>Completes when <paramref name="condition"/> holds for the items (checked on every add); bounded by the default timeout.</summary>
    public Task WaitUntilAsync(Func<IReadOnlyList<T>, bool> condition)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition(_items))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((condition, done));
        }

        return done.Task.DefaultTimeout();
    }

    public Task WaitForCountAsync(int count) => WaitUntilAsync(items => items.Count >= count);
}
