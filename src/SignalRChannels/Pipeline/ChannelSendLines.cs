using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using SignalRChannels.Internal;

namespace SignalRChannels.Pipeline;

/// <summary>
/// Sends a channel's events to its groups when SignalR's in-process lifetime manager does the writing (no backplane).
/// An event of a channel with no send running goes out at once, as SignalR's plain group send. Events that arrive while
/// one of the channel's sends is running wait in the channel's line, and the next send takes those in a row that go to
/// the same groups: SignalR writes them to each connection as one write and one flush (<see cref="EventBatch"/>), each
/// still its own invocation record.
/// </summary>
/// <remarks>
/// SignalR's cost of a delivery is per connection and per write (its write lock, the copy into the connection's pipe,
/// the flush that wakes the transport's send loop, a WebSocket frame and a socket send), so under load a batch divides it
/// by the number of events the batch holds; at a low rate nothing waits and nothing changes. A channel's events are
/// written in the order they reached its line. Waiting events are sent by a thread-pool work item, so no publisher's
/// call runs other publishers' sends; each publisher's task completes when its event's send completes (SignalR's
/// back-pressure, as before).
/// </remarks>
internal sealed class ChannelSendLines(HubClientsAccessor hubs)
{
    // One batch is one buffer per protocol; a long line is sent in several.
    private const int MaxEventsPerBatch = 256;

    // Lines of channels that went idle are let go once there are more than this many.
    private const int MaxLines = 10_000;

    private readonly ConcurrentDictionary<string, Line> _lines = new(StringComparer.Ordinal);
    private int _lineCount;

    /// <summary>Sends <paramref name="envelope"/> of <paramref name="channel"/> to <paramref name="target"/>.</summary>
    public Task SendAsync(string channel, SendTarget target, object envelope, CancellationToken cancellationToken)
    {
        var line = Enter(channel, target, envelope, out var waiting);
        if (waiting is not null)
        {
            return waiting.Sent.Task;
        }

        var send = Send(target, ChannelEvent.ClientMethodName, envelope, cancellationToken);
        lock (line)
        {
            if (line.Waiting.Count == 0)
            {
                line.Sending = false;
                return send;
            }
        }

        // Others arrived during this send: a work item sends them, so this publisher's call returns now.
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Lines.Drain(state.Line), (Lines: this, Line: line), preferLocal: false);
        return send;
    }

    /// <summary>
    /// Takes the channel's line and either makes this caller its sender (<paramref name="waiting"/> null) or queues the
    /// event behind the running send.
    /// </summary>
    private Line Enter(string channel, SendTarget target, object envelope, out WaitingEvent? waiting)
    {
        while (true)
        {
            if (!_lines.TryGetValue(channel, out var line))
            {
                line = new Line();
                if (!_lines.TryAdd(channel, line))
                {
                    continue;
                }

                if (Interlocked.Increment(ref _lineCount) > MaxLines)
                {
                    LetIdleLinesGo();
                }
            }

            lock (line)
            {
                if (line.Retired)
                {
                    continue;
                }

                if (line.Sending)
                {
                    waiting = new WaitingEvent(target, envelope);
                    line.Waiting.Enqueue(waiting);
                    return line;
                }

                line.Sending = true;
                waiting = null;
                return line;
            }
        }
    }

    /// <summary>Sends the line's waiting events until none is left, each batch a run of events with the same target.</summary>
    private void Drain(Line line)
    {
        var batch = new List<WaitingEvent>();
        while (true)
        {
            lock (line)
            {
                if (line.Waiting.Count == 0)
                {
                    line.Sending = false;
                    return;
                }

                var target = line.Waiting.Peek().Target;
                while (batch.Count < MaxEventsPerBatch && line.Waiting.TryPeek(out var next) && next.Target.SameAs(target))
                {
                    batch.Add(line.Waiting.Dequeue());
                }
            }

            var send = batch is [var one]
                ? Send(one.Target, ChannelEvent.ClientMethodName, one.Envelope, CancellationToken.None)
                : Send(batch[0].Target, EventBatch.Target, new EventBatch(batch.ConvertAll(static w => w.Envelope)), CancellationToken.None);
            Complete(send, batch.ToArray());
            batch.Clear();
        }
    }

    private Task Send(SendTarget target, string method, object argument, CancellationToken cancellationToken)
    {
        try
        {
            return target.Of(hubs.Clients).SendAsync(method, argument, cancellationToken);
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
    }

    private static void Complete(Task send, WaitingEvent[] events)
    {
        if (!send.IsCompleted)
        {
            send.ContinueWith(
                static (done, state) => Complete(done, (WaitingEvent[])state!),
                events,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return;
        }

        foreach (var waiting in events)
        {
            if (send.IsCompletedSuccessfully)
            {
                waiting.Sent.TrySetResult();
            }
            else if (send.IsCanceled)
            {
                waiting.Sent.TrySetCanceled();
            }
            else
            {
                waiting.Sent.TrySetException(send.Exception!.InnerExceptions);
            }
        }
    }

    /// <summary>Removes the lines of channels with nothing in flight; a caller still holding one sees it retired and looks again.</summary>
    private void LetIdleLinesGo()
    {
        foreach (var (channel, line) in _lines)
        {
            lock (line)
            {
                if (line.Sending || line.Retired)
                {
                    continue;
                }

                line.Retired = true;
            }

            if (_lines.TryRemove(KeyValuePair.Create(channel, line)))
            {
                Interlocked.Decrement(ref _lineCount);
            }
        }
    }

    /// <summary>One channel's line. Its fields are read and written under the instance's lock.</summary>
    private sealed class Line
    {
        /// <summary>Whether a send of the channel is running; new events then wait.</summary>
        public bool Sending;

        /// <summary>Set once the line was let go; callers that still hold it take the channel's new line.</summary>
        public bool Retired;

        public readonly Queue<WaitingEvent> Waiting = new();
    }

    private sealed class WaitingEvent(SendTarget target, object envelope)
    {
        public SendTarget Target { get; } = target;

        public object Envelope { get; } = envelope;

        public TaskCompletionSource Sent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>
/// The connections a send reaches: one group, leaving out one connection or none; or several groups (a connection is
/// in at most one of a channel's groups), leaving out none.
/// </summary>
internal readonly record struct SendTarget(string Group, string? ExcludedConnectionId, IReadOnlyList<string>? Groups = null)
{
    public static SendTarget ToGroups(IReadOnlyList<string> groups) => new(groups[0], null, groups);

    /// <summary>SignalR's clients for this target.</summary>
    public IClientProxy Of(IHubClients clients) =>
        Groups is not null ? clients.Groups(Groups)
        : ExcludedConnectionId is null ? clients.Group(Group)
        : clients.GroupExcept(Group, [ExcludedConnectionId]);

    /// <summary>Whether a send to this target reaches exactly the connections a send to <paramref name="other"/> does.</summary>
    public bool SameAs(SendTarget other) =>
        string.Equals(Group, other.Group, StringComparison.Ordinal)
        && string.Equals(ExcludedConnectionId, other.ExcludedConnectionId, StringComparison.Ordinal)
        && (Groups is null ? other.Groups is null : other.Groups is not null && Groups.SequenceEqual(other.Groups, StringComparer.Ordinal));
}
