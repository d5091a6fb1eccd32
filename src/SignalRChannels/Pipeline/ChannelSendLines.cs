using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using SignalRChannels.Internal;

namespace SignalRChannels.Pipeline;

/// <summary>
/// Sends a channel's events to its groups when SignalR's in-process lifetime manager does the writing (no backplane).
/// When the channel's line is idle, the publisher sends its event itself, as SignalR's plain group send, and its publish
/// completes with that send. On a channel with <see cref="RunAheadSubscribers"/> or more subscribers on this node whose
/// sends are busy (one is running, or one ended less than <see cref="HotWindow"/> ago), the event waits in the
/// channel's line and the publish returns; a thread-pool work item sends what waits, a run of
/// events with the same target at a time: one event as a plain group send, several as one <see cref="EventBatch"/>,
/// which SignalR writes to each connection with one write and one flush, each event still its own invocation record.
/// </summary>
/// <remarks>
/// SignalR's cost of a delivery is per connection and per write (its write lock, the copy into the connection's pipe,
/// the flush that wakes the transport's send loop, a WebSocket frame and a socket send), so under load a batch divides
/// it by the number of events in the batch; at a low rate each event goes alone, from the publisher's thread, exactly as
/// a plain group send. A busy large channel's publisher runs ahead of the sends, so a single publisher's events batch
/// too; a small channel's does not (a small channel's queued publish completes with its send), so its publishes keep
/// completing once SignalR has taken them, in call order across channels. A channel's events are written in the order they reached
/// its line. Back-pressure: a queued publish returns at once while fewer than <see cref="MaxInFlight"/> of the
/// channel's events are waiting or being written (SignalR's write to a connection completes when the connection's pipe
/// takes it); beyond that, it returns once its own event's send has completed, so a publisher cannot run further ahead
/// of the slowest subscriber than that.
/// </remarks>
internal sealed partial class ChannelSendLines(HubClientsAccessor hubs, Query.NodeOccupancy occupancy, ILogger<ChannelSendLines> logger)
{
    /// <summary>Subscribers on this node from which a channel's publishes run ahead of its sends.</summary>
    public const int RunAheadSubscribers = 64;

    /// <summary>How recently a large channel's last send must have ended for the next publish to run ahead.</summary>
    public static readonly TimeSpan HotWindow = TimeSpan.FromMilliseconds(1);

    /// <summary>Events of one channel that may be waiting or being written before a queued publish waits for its own send.</summary>
    public const int MaxInFlight = 256;

    // One batch is one buffer per protocol and one write per connection; 64 events of a few hundred bytes stay below
    // SignalR's default 32 KB pipe pause threshold.
    private const int MaxEventsPerBatch = 64;

    // Lines of channels that went idle are let go once there are more than this many.
    private const int MaxLines = 10_000;

    private readonly ConcurrentDictionary<string, Line> _lines = new(StringComparer.Ordinal);
    private int _lineCount;

    /// <summary>Lines held now (tests).</summary>
    internal int LineCount => Volatile.Read(ref _lineCount);

    /// <summary>Subscribers from which publishes run ahead; <see cref="RunAheadSubscribers"/> but in tests.</summary>
    internal int RunAheadFrom { get; init; } = RunAheadSubscribers;

    /// <summary>Sends <paramref name="envelope"/> of <paramref name="channel"/> to <paramref name="target"/>, now or through the channel's line (see the class).</summary>
    public Task SendAsync(ChannelName channel, SendTarget target, object envelope)
    {
        _ = hubs.Clients; // A publish before MapChannelHub fails here, to its caller.
        while (true)
        {
            var line = LineOf(channel.Value);

            // The node's subscriber count (a lock shared by every channel) is only asked when the line looks busy.
            var large = LooksBusy(line) && occupancy.SubscriptionsOf(channel) >= RunAheadFrom;
            WaitingEvent? waiting = null;
            bool startDraining;
            lock (line)
            {
                if (line.Retired)
                {
                    continue;
                }

                var runAhead = large && LooksBusy(line);
                if (!runAhead && !line.Sending)
                {
                    line.Sending = true;
                    startDraining = false;
                }
                else
                {
                    waiting = new WaitingEvent(target, envelope);
                    line.Waiting.Enqueue(waiting);
                    if (++line.InFlight > MaxInFlight || !runAhead)
                    {
                        // A small channel's publisher waits for its own send, as it would have sent it itself.
                        waiting.Sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }

                    startDraining = !line.Sending;
                    line.Sending = true;
                }
            }

            if (waiting is null)
            {
                return SendNow(line, target, envelope);
            }

            if (startDraining)
            {
                StartDraining(line);
            }

            return waiting.Sent?.Task ?? Task.CompletedTask;
        }
    }

    /// <summary>Whether a send of the line is running or ended less than <see cref="HotWindow"/> ago; exact under the line's lock.</summary>
    private static bool LooksBusy(Line line) =>
        Volatile.Read(ref line.Sending) || Stopwatch.GetElapsedTime(Volatile.Read(ref line.LastSendEnded)) < HotWindow;

    /// <summary>The publisher's own send on an idle line; events queued meanwhile are sent by a work item.</summary>
    private Task SendNow(Line line, SendTarget target, object envelope)
    {
        var send = Send(target, ChannelEvent.ClientMethodName, envelope);
        lock (line)
        {
            line.LastSendEnded = Stopwatch.GetTimestamp();
            if (line.Waiting.Count == 0)
            {
                line.Sending = false;
                return send;
            }
        }

        StartDraining(line);
        return send;
    }

    private void StartDraining(Line line) =>
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Lines.Drain(state.Line), (Lines: this, Line: line), preferLocal: false);

    private Line LineOf(string channel)
    {
        while (true)
        {
            if (_lines.TryGetValue(channel, out var line))
            {
                return line;
            }

            line = new Line();
            if (!_lines.TryAdd(channel, line))
            {
                continue;
            }

            if (Interlocked.Increment(ref _lineCount) > MaxLines)
            {
                LetIdleLinesGo();
            }

            return line;
        }
    }

    /// <summary>Hands the line's waiting events to SignalR until none is left, each batch a run of events with the same target.</summary>
    private void Drain(Line line)
    {
        while (true)
        {
            var batch = new List<WaitingEvent>();
            lock (line)
            {
                line.LastSendEnded = Stopwatch.GetTimestamp();
                if (line.Waiting.Count == 0)
                {
                    line.Sending = false;
                    return;
                }

                var target = line.Waiting.Peek().Target;
                var most = hubs.SendsMayBatch ? MaxEventsPerBatch : 1;
                while (batch.Count < most && line.Waiting.TryPeek(out var next) && next.Target.SameAs(target))
                {
                    batch.Add(line.Waiting.Dequeue());
                }
            }

            var send = batch is [var one]
                ? Send(one.Target, ChannelEvent.ClientMethodName, one.Envelope)
                : Send(batch[0].Target, EventBatch.Target, new EventBatch(batch.ConvertAll(static w => w.Envelope)));
            if (send.IsCompleted)
            {
                Complete(send, line, batch);
            }
            else
            {
                send.ContinueWith(
                    static (done, state) =>
                    {
                        var (lines, line, batch) = ((ChannelSendLines, Line, List<WaitingEvent>))state!;
                        lines.Complete(done, line, batch);
                    },
                    (this, line, batch),
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }
    }

    private Task Send(SendTarget target, string method, object argument)
    {
        try
        {
            return target.Of(hubs.Clients).SendAsync(method, argument);
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
    }

    /// <summary>Counts a batch's events out of the line's in-flight total and completes the publishes that wait for them.</summary>
    private void Complete(Task send, Line line, List<WaitingEvent> batch)
    {
        lock (line)
        {
            line.InFlight -= batch.Count;
        }

        if (send.Exception is { } failed)
        {
            LogSendFailed(logger, batch.Count, failed.GetBaseException());
        }

        foreach (var waiting in batch)
        {
            if (waiting.Sent is not { } sent)
            {
                continue;
            }

            if (send.IsCompletedSuccessfully)
            {
                sent.TrySetResult();
            }
            else if (send.IsCanceled)
            {
                sent.TrySetCanceled();
            }
            else
            {
                sent.TrySetException(send.Exception!.InnerExceptions);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SignalR's group send of {Count} channel event(s) failed.")]
    private static partial void LogSendFailed(ILogger logger, int count, Exception exception);

    /// <summary>Removes the lines of channels with nothing in flight; a caller still holding one sees it retired and looks again.</summary>
    private void LetIdleLinesGo()
    {
        foreach (var (channel, line) in _lines)
        {
            lock (line)
            {
                if (line.Sending || line.InFlight > 0 || line.Retired)
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
        /// <summary>Whether a publisher or a work item is handing the channel's events to SignalR.</summary>
        public bool Sending;

        /// <summary>Set once the line was let go; callers that still hold it take the channel's new line.</summary>
        public bool Retired;

        /// <summary>When the last hand-off to SignalR ended (<see cref="Stopwatch.GetTimestamp"/>).</summary>
        public long LastSendEnded;

        /// <summary>Queued events waiting, or handed to SignalR and not yet taken by every connection.</summary>
        public int InFlight;

        public readonly Queue<WaitingEvent> Waiting = new();
    }

    private sealed class WaitingEvent(SendTarget target, object envelope)
    {
        public SendTarget Target { get; } = target;

        public object Envelope { get; } = envelope;

        /// <summary>Set when the publisher waits for this event's send (a small channel, or a full line).</summary>
        public TaskCompletionSource? Sent { get; set; }
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
