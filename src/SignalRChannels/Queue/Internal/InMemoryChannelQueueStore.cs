using System.Globalization;
using Microsoft.Extensions.Options;

namespace SignalRChannels.Queue.Internal;

/// <summary>
/// The default, single-node queue store: one FIFO in process memory, bounded by
/// <see cref="QueuedBroadcastingOptions.Capacity"/> (waiting, in-flight and dead-lettered events together, so nothing
/// is ever dropped to make room). It is as durable as the process: a crash or restart loses what waits in it.
/// </summary>
internal sealed class InMemoryChannelQueueStore(IOptions<QueuedBroadcastingOptions> options, TimeProvider timeProvider) : IChannelQueueStore
{
    private readonly QueuedBroadcastingOptions _options = options.Value;
    private readonly Lock _gate = new();
    private readonly Queue<QueuedChannelEvent> _waiting = new();
    private readonly Dictionary<string, QueuedChannelEvent> _inFlight = new(StringComparer.Ordinal);
    private readonly List<DeadLetteredEvent> _deadLetters = [];
    private long _nextReceipt;
    private TaskCompletionSource? _arrived;

    public ValueTask EnqueueAsync(QueuedChannelEvent queuedEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queuedEvent);
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource? arrived;
        lock (_gate)
        {
            if (_waiting.Count + _inFlight.Count + _deadLetters.Count >= _options.Capacity)
            {
                throw new ChannelException(
                    ChannelErrorCodes.LimitExceeded, $"the queue is full ({_options.Capacity} events wait or are dead-lettered); try again later");
            }

            _waiting.Enqueue(queuedEvent);
            arrived = _arrived;
            _arrived = null;
        }

        arrived?.TrySetResult();
        return ValueTask.CompletedTask;
    }

    public async ValueTask<IReadOnlyList<QueuedChannelEvent>> ReadAsync(int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        Task arrived;
        lock (_gate)
        {
            if (_waiting.Count > 0)
            {
                var batch = new QueuedChannelEvent[Math.Min(maxCount, _waiting.Count)];
                for (var i = 0; i < batch.Length; i++)
                {
                    var receipt = (++_nextReceipt).ToString(CultureInfo.InvariantCulture);
                    batch[i] = _waiting.Dequeue().WithReceipt(receipt);
                    _inFlight.Add(receipt, batch[i]);
                }

                return batch;
            }

            _arrived ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            arrived = _arrived.Task;
        }

        // Nothing waits: return when something arrives, or empty after the poll interval.
        await arrived.WaitAsync(_options.PollInterval, timeProvider, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
        return [];
    }

    public ValueTask AcknowledgeAsync(QueuedChannelEvent queuedEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queuedEvent);
        lock (_gate)
        {
            _inFlight.Remove(queuedEvent.Receipt!);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<DeadLetteredEvent> DeadLetterAsync(QueuedChannelEvent queuedEvent, string reason, int attempts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queuedEvent);
        var deadLetter = new DeadLetteredEvent
        {
            Id = queuedEvent.Receipt!,
            Event = queuedEvent,
            Reason = reason,
            Attempts = attempts,
            DeadLetteredAt = timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        lock (_gate)
        {
            _inFlight.Remove(queuedEvent.Receipt!);
            _deadLetters.Add(deadLetter);
        }

        return ValueTask.FromResult(deadLetter);
    }

    public ValueTask<IReadOnlyList<DeadLetteredEvent>> ReadDeadLettersAsync(int maxCount, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyList<DeadLetteredEvent>>([.. _deadLetters.Take(maxCount)]);
        }
    }

    public ValueTask<bool> DeleteDeadLetterAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_deadLetters.RemoveAll(d => d.Id == id) > 0);
        }
    }

    public ChannelQueueStatistics GetStatistics()
    {
        lock (_gate)
        {
            long? oldest = _waiting.TryPeek(out var head) ? head.EnqueuedAt : null;
            foreach (var held in _inFlight.Values)
            {
                oldest = oldest is { } o ? Math.Min(o, held.EnqueuedAt) : held.EnqueuedAt;
            }

            return new ChannelQueueStatistics(_waiting.Count + _inFlight.Count, oldest);
        }
    }
}
