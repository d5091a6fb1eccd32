using System.Collections.Concurrent;

namespace SignalRChannels.Pipeline;

/// <summary>
/// Per channel, kept only while publishes to it are in flight: the order in which its history events' sends start,
/// and the line in which their appends wait for the store.
/// </summary>
internal sealed class ChannelOrders
{
    private readonly ConcurrentDictionary<string, ChannelOrder> _orders = new(StringComparer.Ordinal);

    /// <summary>Takes the channel's order, creating it for the first publish in flight.</summary>
    public ChannelOrder Enter(string channel)
    {
        while (true)
        {
            var order = _orders.GetOrAdd(channel, static _ => new ChannelOrder());
            lock (order)
            {
                if (order.InFlight >= 0)
                {
                    order.InFlight++;
                    return order;
                }
            }

            // Retired by its last publisher between our lookup and our lock: take the fresh one.
        }
    }

    /// <summary>Leaves the channel's order; the last publisher in flight retires it.</summary>
    public void Exit(string channel, ChannelOrder order)
    {
        lock (order)
        {
            if (--order.InFlight == 0)
            {
                order.InFlight = -1;
                _orders.TryRemove(KeyValuePair.Create(channel, order));
            }
        }
    }
}

/// <summary>
/// One channel's order. Callers lock the instance around <see cref="Enqueue"/> and the update of
/// <see cref="LastSendStarted"/>, so a channel's events are stored, and their sends started, in call order.
/// </summary>
/// <remarks>
/// Appends are committed in groups: at most <c>MaxCallsInFlight</c> store calls per channel at a time, and the publishes
/// that arrive while they wait for the store go together in the next call (<see cref="IChannelEventStore.AppendManyAsync"/>).
/// An uncontended publish is stored at once, as before; under load, ten publishes to one channel cost one or two Redis
/// round trips and script runs instead of ten. An append that must report earlier offsets for event filters goes alone.
/// </remarks>
internal sealed class ChannelOrder
{
    // Enough for a burst, small enough that one script call stays short on Redis.
    private const int MaxEventsPerCall = 128;

    // Calls issued in line order on one Redis connection are answered in that order, so a few may be in flight at
    // once: two publishes that meet on a channel are pipelined as before, and only a crowd waits to be grouped.
    private const int MaxCallsInFlight = 2;

    private int _calls;
    private Queue<PendingAppend>? _waiting;

    /// <summary>Publishes in flight; -1 once retired.</summary>
    public int InFlight;

    /// <summary>Completes when the send of the channel's last history event has started.</summary>
    public Task LastSendStarted = Task.CompletedTask;

    /// <summary>
    /// Queues the append of <paramref name="events"/> behind the channel's earlier appends, and issues the store call
    /// now when the line is short. Call under the instance's lock.
    /// </summary>
    /// <param name="events">The events, stored in this order, each with an offset of its own.</param>
    /// <param name="reportedNames">Event names whose newest earlier offset the store must report, or null.</param>
    /// <param name="store">How a group of appends is stored; it completes each one's <see cref="PendingAppend.Stored"/>.</param>
    /// <param name="excludedConnectionIds">Per event, the connection its send leaves out (toOthers), or null.</param>
    public Task<Appended[]> Enqueue(
        IReadOnlyList<ChannelEvent> events, List<string>? reportedNames, IReadOnlyList<string?> excludedConnectionIds, Func<List<PendingAppend>, Task> store)
    {
        var pending = new PendingAppend(events, reportedNames, excludedConnectionIds);
        if (_calls < MaxCallsInFlight && _waiting is not { Count: > 0 })
        {
            Issue([pending], store);
        }
        else
        {
            (_waiting ??= new Queue<PendingAppend>()).Enqueue(pending);
        }

        return pending.Stored.Task;
    }

    /// <summary>Starts a store call; under the instance's lock, so the calls of a channel leave in line order.</summary>
    private void Issue(List<PendingAppend> group, Func<List<PendingAppend>, Task> store)
    {
        _calls++;
        Task call;
        try
        {
            call = store(group);
        }
        catch (Exception ex)
        {
            call = Task.FromException(ex);
        }

        _ = CompleteAsync(call, group, store);
    }

    private async Task CompleteAsync(Task call, List<PendingAppend> group, Func<List<PendingAppend>, Task> store)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            foreach (var pending in group)
            {
                pending.Stored.TrySetException(ex);
            }
        }

        lock (this)
        {
            _calls--;
            if (_waiting is { Count: > 0 } waiting)
            {
                Issue(NextGroup(waiting), store);
            }
        }
    }

    /// <summary>The appends at the head of the line that can share one store call.</summary>
    private static List<PendingAppend> NextGroup(Queue<PendingAppend> waiting)
    {
        var group = new List<PendingAppend> { waiting.Dequeue() };
        if (group[0].ReportedNames is not null)
        {
            return group;
        }

        var events = group[0].Events.Count;
        while (waiting.TryPeek(out var next) && next.ReportedNames is null && events + next.Events.Count <= MaxEventsPerCall)
        {
            group.Add(waiting.Dequeue());
            events += next.Events.Count;
        }

        return group;
    }
}

/// <summary>Events waiting in a channel's line to be stored, and where their stored copies go.</summary>
internal sealed class PendingAppend(IReadOnlyList<ChannelEvent> events, List<string>? reportedNames, IReadOnlyList<string?> excludedConnectionIds)
{
    public IReadOnlyList<ChannelEvent> Events { get; } = events;

    public IReadOnlyList<string?> ExcludedConnectionIds { get; } = excludedConnectionIds;

    public List<string>? ReportedNames { get; } = reportedNames;

    public TaskCompletionSource<Appended[]> Stored { get; } = new();
}

/// <summary>
/// A stored event, where the store said the previous event of each reported name is, and whether the store has also
/// published it to the backplane (<see cref="IAppendAndPublish"/>), so it must not be sent again.
/// </summary>
internal readonly record struct Appended(ChannelEvent Event, List<string>? Names, long[]? Previous, bool Published = false)
{
    /// <summary>The newest earlier offset of any of the filter's names; <c>offset - 1</c> when one was not asked about.</summary>
    public long PreviousFor(Subscriptions.EventFilter filter, long offset)
    {
        long previous = 0;
        foreach (var name in filter.Names)
        {
            var index = Names?.IndexOf(name) ?? -1;
            if (index < 0)
            {
                return offset - 1;
            }

            previous = Math.Max(previous, Previous![index]);
        }

        return previous;
    }
}
