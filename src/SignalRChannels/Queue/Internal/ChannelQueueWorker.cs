using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SignalRChannels.Queue.Internal;

/// <summary>
/// Drains the queue store on this node: reads events while fewer than <see cref="QueuedBroadcastingOptions.MaxInFlight"/>
/// are held, and gives each channel a lane that publishes its events one after another (so a channel's order holds
/// while different channels proceed concurrently, and a channel stuck in retries holds up only itself).
/// </summary>
internal sealed partial class ChannelQueueWorker(
    IChannelQueueStore store,
    QueueDispatcher dispatcher,
    IOptions<QueuedBroadcastingOptions> options,
    TimeProvider timeProvider,
    ILogger<ChannelQueueWorker> logger) : BackgroundService
{
    // The most events of one channel published together (one history append).
    private const int MaxBatch = 100;

    private readonly int _maxInFlight = options.Value.MaxInFlight;
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private readonly HashSet<Task> _removals = [];
    private int _inFlight;
    private TaskCompletionSource? _roomFreed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var room = await WaitForRoomAsync(stoppingToken).ConfigureAwait(false);
                var batch = await store.ReadAsync(room, stoppingToken).ConfigureAwait(false);
                failures = 0;
                foreach (var queued in batch)
                {
                    Dispatch(queued, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The store is away (Redis restarting): look again after a growing pause; what was read stays in its lanes.
                Log.ReadFailed(logger, ex);
                var pause = TimeSpan.FromMilliseconds(Math.Min(5_000, 100 * Math.Pow(2, Math.Min(failures++, 6))));
                await Task.Delay(pause, timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        // Lanes stop at their next retry or store call; unacknowledged events stay in the store for the next owner.
        Task[] running;
        lock (_lanes)
        {
            running = [.. _lanes.Values.Select(l => l.Running)];
        }

        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (_lanes)
        {
            running = [.. _removals];
        }

        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Waits until the worker may hold more events; returns how many more.</summary>
    private async Task<int> WaitForRoomAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            Task freed;
            lock (_lanes)
            {
                if (_inFlight < _maxInFlight)
                {
                    return _maxInFlight - _inFlight;
                }

                _roomFreed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                freed = _roomFreed.Task;
            }

            await freed.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    private void Removed(Task removal, int count)
    {
        lock (_lanes)
        {
            _removals.Remove(removal);
            _inFlight -= count;
            _roomFreed?.TrySetResult();
            _roomFreed = null;
        }
    }

    private void Dispatch(QueuedChannelEvent queued, CancellationToken stoppingToken)
    {
        lock (_lanes)
        {
            _inFlight++;
            if (_lanes.TryGetValue(queued.Channel, out var lane))
            {
                lane.Events.Enqueue(queued);
                return;
            }

            lane = new Lane();
            lane.Events.Enqueue(queued);
            _lanes.Add(queued.Channel, lane);
            lane.Running = RunLaneAsync(queued.Channel, lane, stoppingToken);
        }
    }

    private async Task RunLaneAsync(string channel, Lane lane, CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            // Everything the channel has waiting goes out together: one history append, sends in order.
            QueuedChannelEvent[] next;
            lock (_lanes)
            {
                next = [.. lane.Events.Take(MaxBatch)];
            }

            var removal = await dispatcher.DeliverAsync(next, stoppingToken).ConfigureAwait(false);
            lock (_lanes)
            {
                for (var i = 0; i < next.Length; i++)
                {
                    lane.Events.Dequeue();
                }

                _removals.Add(removal);
            }

            // The events count as held until the store removed them; the channel's next events need not wait for that.
            var count = next.Length;
            _ = removal.ContinueWith(done => Removed(done, count), TaskScheduler.Default);
            lock (_lanes)
            {
                if (lane.Events.Count == 0)
                {
                    _lanes.Remove(channel);
                    return;
                }
            }
        }
    }

    /// <summary>One channel's events read and not yet delivered, oldest first, and the task publishing them.</summary>
    private sealed class Lane
    {
        public Queue<QueuedChannelEvent> Events { get; } = new();

        public Task Running { get; set; } = Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(164, LogLevel.Warning, "Reading the queue failed; trying again shortly.")]
        public static partial void ReadFailed(ILogger logger, Exception exception);
    }
}
