using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using RedisStreamPosition = StackExchange.Redis.StreamPosition;

namespace SignalRChannels.Redis.Internal;

/// <summary>
/// The queue on Redis Streams, shared by every node: <see cref="QueuedBroadcastingOptions.Partitions"/> streams, a
/// channel always in the same one, each read through consumer group <see cref="RedisKeys.QueueGroup"/> by the one node
/// that owns it (<see cref="RedisQueuePartitions"/>). An entry stays pending in the group until it is acknowledged,
/// so a crashed node's entries are claimed and delivered by the next owner. Enqueues notify the workers over pub/sub.
/// What an enqueue survives depends on Redis persistence (docs/concepts/queued-broadcasting.md).
/// </summary>
internal sealed partial class RedisChannelQueueStore : IChannelQueueStore, IAsyncDisposable
{
    private static readonly RedisChannel s_notifications = RedisChannel.Literal("queue");

    private readonly RedisConnection _redis;
    private readonly string _prefix;
    private readonly QueuedBroadcastingOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly RedisQueuePartitions _partitions;
    private readonly RedisQueueAcknowledgements _acknowledgements;
    private readonly long _partitionCapacity;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);
    private HashSet<int> _dirty = [];
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _subscribed;

    public RedisChannelQueueStore(
        RedisConnection redis,
        IOptions<ChannelsRedisOptions> redisOptions,
        IOptions<QueuedBroadcastingOptions> options,
        TimeProvider timeProvider,
        ILogger<RedisChannelQueueStore> logger)
    {
        _redis = redis;
        _prefix = redisOptions.Value.Prefix;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _partitionCapacity = (_options.Capacity + _options.Partitions - 1) / _options.Partitions;
        _partitions = new RedisQueuePartitions(redis, _prefix, _options, timeProvider, logger);
        _partitions.Acquired += () => Wake(partition: null);
        _acknowledgements = new RedisQueueAcknowledgements(redis, _prefix);
    }

    public async ValueTask EnqueueAsync(QueuedChannelEvent queuedEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queuedEvent);
        cancellationToken.ThrowIfCancellationRequested();
        var partition = PartitionOf(queuedEvent.Channel, _options.Partitions);
        var database = await _redis.GetDatabaseAsync().ConfigureAwait(false);
        var added = await RedisQueueScripts.Enqueue.EvaluateAsync(
            database,
            [RedisKeys.QueuePartition(_prefix, partition)],
            [_partitionCapacity, JsonSerializer.SerializeToUtf8Bytes(queuedEvent)]).ConfigureAwait(false);
        if (added.IsNull)
        {
            throw new ChannelException(
                ChannelErrorCodes.LimitExceeded, $"the queue is full ({_partitionCapacity} events wait in the partition of '{queuedEvent.Channel}'); try again later");
        }

        if (_partitions.Owns(partition))
        {
            Wake(partition);
            return;
        }

        // Another node owns the partition (or none does yet): tell the workers.
        var multiplexer = await _redis.GetAsync().ConfigureAwait(false);
        await multiplexer.GetSubscriber().PublishAsync(s_notifications, partition, CommandFlags.FireAndForget).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<QueuedChannelEvent>> ReadAsync(int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        _partitions.EnsureStarted();
        await SubscribeOnceAsync().ConfigureAwait(false);
        Task arrived;
        HashSet<int>? dirty;
        lock (_gate)
        {
            arrived = _arrived.Task;
            (dirty, _dirty) = (_dirty, []);
        }

        var owned = _partitions.Owned();
        if (owned.Length > 0)
        {
            var database = await _redis.GetDatabaseAsync().ConfigureAwait(false);
            try
            {
                var batch = await ReadOwnedAsync(database, owned, dirty, maxCount).ConfigureAwait(false);
                if (batch.Count > 0)
                {
                    return batch;
                }
            }
            catch (RedisServerException ex) when (ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
            {
                // Redis lost the group (a restart without persistence): make it again and read at the next call.
                foreach (var (partition, _) in owned)
                {
                    await RedisQueuePartitions.EnsureGroupAsync(database, RedisKeys.QueuePartition(_prefix, partition)).ConfigureAwait(false);
                }

                return [];
            }
        }

        try
        {
            await arrived.WaitAsync(_options.PollInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // No word for a poll interval (a lost notification, another node's enqueue before we subscribed): look at all.
            Wake(partition: null);
        }
        return [];
    }

    public async ValueTask AcknowledgeAsync(QueuedChannelEvent queuedEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queuedEvent);
        var (partition, id) = ParseReceipt(queuedEvent.Receipt);
        await _acknowledgements.AcknowledgeAsync(partition, id).WaitAsync(cancellationToken).ConfigureAwait(false);
        Release(queuedEvent.Receipt!);
    }

    public async ValueTask<DeadLetteredEvent> DeadLetterAsync(QueuedChannelEvent queuedEvent, string reason, int attempts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queuedEvent);
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var database = await _redis.GetDatabaseAsync().ConfigureAwait(false);

        // Recorded first, removed second: a crash in between leaves a dead letter and a pending entry, never neither.
        var id = await database.StreamAddAsync(
            RedisKeys.QueueDeadLetters(_prefix),
            [new NameValueEntry("j", JsonSerializer.SerializeToUtf8Bytes(queuedEvent)), new("r", reason), new("a", attempts), new("t", now)]).ConfigureAwait(false);
        await AcknowledgeAsync(queuedEvent, cancellationToken).ConfigureAwait(false);
        return new DeadLetteredEvent { Id = (string)id!, Event = queuedEvent, Reason = reason, Attempts = attempts, DeadLetteredAt = now };
    }

    public async ValueTask<IReadOnlyList<DeadLetteredEvent>> ReadDeadLettersAsync(int maxCount, CancellationToken cancellationToken)
    {
        var database = await _redis.GetDatabaseAsync().ConfigureAwait(false);
        var entries = await database.StreamRangeAsync(RedisKeys.QueueDeadLetters(_prefix), count: maxCount).ConfigureAwait(false);
        return [.. entries.Select(e => new DeadLetteredEvent
        {
            Id = (string)e.Id!,
            Event = JsonSerializer.Deserialize<QueuedChannelEvent>((byte[])e["j"]!)!,
            Reason = (string)e["r"]!,
            Attempts = (int)e["a"],
            DeadLetteredAt = (long)e["t"],
        })];
    }

    public async ValueTask<bool> DeleteDeadLetterAsync(string id, CancellationToken cancellationToken)
    {
        var database = await _redis.GetDatabaseAsync().ConfigureAwait(false);
        return await database.StreamDeleteAsync(RedisKeys.QueueDeadLetters(_prefix), [id]).ConfigureAwait(false) > 0;
    }

    public ChannelQueueStatistics GetStatistics() => _partitions.Statistics;

    public ValueTask DisposeAsync() => _partitions.DisposeAsync();

    /// <summary>A channel's partition: FNV-1a of its name, stable across nodes and restarts.</summary>
    internal static int PartitionOf(string channel, int partitions)
    {
        var hash = 2166136261u;
        foreach (var c in channel)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)partitions);
    }

    /// <summary>
    /// Own pending entries first (claimed from a crashed node, or left by a lapsed lease), then new ones of the partitions
    /// that were notified (<paramref name="dirty"/>); a partition that filled its share of the read stays notified.
    /// </summary>
    private async Task<List<QueuedChannelEvent>> ReadOwnedAsync(IDatabase database, (int Partition, string? PendingAfter)[] owned, HashSet<int> dirty, int maxCount)
    {
        var batch = new List<QueuedChannelEvent>();
        foreach (var (partition, pendingAfter) in owned)
        {
            if (pendingAfter is null)
            {
                continue;
            }

            var entries = await database.StreamReadGroupAsync(
                RedisKeys.QueuePartition(_prefix, partition), RedisKeys.QueueGroup, _partitions.Consumer, pendingAfter, maxCount).ConfigureAwait(false);
            _partitions.PendingReadUpTo(partition, entries.Length == 0 ? null : (string)entries[^1].Id!);
            await TakeAsync(database, partition, entries, batch).ConfigureAwait(false);
            if (batch.Count > 0)
            {
                return batch;
            }
        }

        var notified = owned.Select(o => o.Partition).Where(dirty.Contains).ToArray();
        if (notified.Length == 0)
        {
            return batch;
        }

        // One XREADGROUP per partition, pipelined: partitions are keys of their own (different slots on Redis Cluster).
        var share = Math.Max(1, maxCount / notified.Length);
        var streams = await Task.WhenAll(notified.Select(p => database.StreamReadGroupAsync(
            RedisKeys.QueuePartition(_prefix, p), RedisKeys.QueueGroup, _partitions.Consumer, RedisStreamPosition.NewMessages, share))).ConfigureAwait(false);
        for (var i = 0; i < notified.Length; i++)
        {
            if (streams[i].Length >= share)
            {
                Wake(notified[i]);
            }

            await TakeAsync(database, notified[i], streams[i], batch).ConfigureAwait(false);
        }

        return batch;
    }

    /// <summary>Adds entries not already held by this node's worker; a malformed entry is logged and removed.</summary>
    private async Task TakeAsync(IDatabase database, int partition, StreamEntry[] entries, List<QueuedChannelEvent> batch)
    {
        foreach (var entry in entries)
        {
            var receipt = $"{partition}/{entry.Id}";
            lock (_gate)
            {
                if (!_held.Add(receipt))
                {
                    continue;
                }
            }

            QueuedChannelEvent? queued = null;
            try
            {
                queued = entry["j"] is { IsNull: false } json ? JsonSerializer.Deserialize<QueuedChannelEvent>((byte[])json!) : null;
            }
            catch (JsonException)
            {
            }

            if (queued is null)
            {
                Log.MalformedEntry(_logger, receipt);
                await RedisQueueScripts.Acknowledge.EvaluateAsync(database, [RedisKeys.QueuePartition(_prefix, partition)], [RedisKeys.QueueGroup, entry.Id]).ConfigureAwait(false);
                Release(receipt);
                continue;
            }

            batch.Add(queued.WithReceipt(receipt));
        }
    }

    private async Task SubscribeOnceAsync()
    {
        if (Interlocked.CompareExchange(ref _subscribed, 1, 0) != 0)
        {
            return;
        }

        try
        {
            var multiplexer = await _redis.GetAsync().ConfigureAwait(false);
            await multiplexer.GetSubscriber().SubscribeAsync(
                s_notifications, (_, message) => Wake(message.TryParse(out int partition) && partition >= 0 && partition < _options.Partitions ? partition : null)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Until the subscription works, the poll interval bounds the delay; try again at the next read.
            Volatile.Write(ref _subscribed, 0);
            Log.SubscribeFailed(_logger, ex);
        }
    }

    /// <summary>Marks a partition (null: every partition) to be read, and wakes a waiting read.</summary>
    private void Wake(int? partition)
    {
        TaskCompletionSource arrived;
        lock (_gate)
        {
            if (partition is { } p)
            {
                _dirty.Add(p);
            }
            else
            {
                _dirty.UnionWith(Enumerable.Range(0, _options.Partitions));
            }

            arrived = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        arrived.TrySetResult();
    }

    private void Release(string receipt)
    {
        lock (_gate)
        {
            _held.Remove(receipt);
        }
    }

    private static (int Partition, string Id) ParseReceipt(string? receipt)
    {
        var slash = receipt?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (slash < 1)
        {
            throw new ArgumentException("The event carries no receipt of this store.", nameof(receipt));
        }

        return (int.Parse(receipt.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture), receipt![(slash + 1)..]);
    }

    private static partial class Log
    {
        [LoggerMessage(173, LogLevel.Error, "Queue entry {Receipt} holds no event; it was removed.")]
        public static partial void MalformedEntry(ILogger logger, string receipt);

        [LoggerMessage(174, LogLevel.Warning, "Subscribing to queue notifications failed; polling until it works.")]
        public static partial void SubscribeFailed(ILogger logger, Exception exception);
    }
}
