using System.Globalization;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace SignalRChannels.Redis.Internal;

/// <summary>
/// Which queue partitions this node owns. Every <see cref="QueuedBroadcastingOptions.LeaseTime"/> / 3 it renews its
/// leases and takes free partitions (one owner per partition keeps each channel's order across nodes). On taking one,
/// it claims the partition's unacknowledged entries from their previous consumer (a crashed node) with XAUTOCLAIM and
/// marks them to be read first. A partition whose lease could not be renewed for a whole lease time is given up.
/// </summary>
internal sealed partial class RedisQueuePartitions : IAsyncDisposable
{
    private const string FirstId = "0-0";

    private readonly RedisConnection _redis;
    private readonly string _prefix;
    private readonly QueuedBroadcastingOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, string?> _owned = [];
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private long _lastRenewed;
    private int _disposed;
    private ChannelQueueStatistics _statistics;

    public RedisQueuePartitions(RedisConnection redis, string prefix, QueuedBroadcastingOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _redis = redis;
        _prefix = prefix;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _lastRenewed = timeProvider.GetTimestamp();
    }

    /// <summary>This node's consumer name in every partition's group, and its name in the owner keys.</summary>
    public string Consumer { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Raised after this node took a partition, so a waiting reader looks at once.</summary>
    public event Action? Acquired;

    public ChannelQueueStatistics Statistics
    {
        get
        {
            lock (_gate)
            {
                return _statistics;
            }
        }
    }

    public void EnsureStarted()
    {
        lock (_gate)
        {
            _loop ??= Task.Run(() => RunAsync(_stopping.Token));
        }
    }

    /// <summary>The partitions owned now, each with the id after which its own pending entries are still to be read (null: none).</summary>
    public (int Partition, string? PendingAfter)[] Owned()
    {
        lock (_gate)
        {
            return [.. _owned.Select(p => (p.Key, p.Value))];
        }
    }

    public bool Owns(int partition)
    {
        lock (_gate)
        {
            return _owned.ContainsKey(partition);
        }
    }

    /// <summary>Records how far the pending entries of a partition were read; null when all were.</summary>
    public void PendingReadUpTo(int partition, string? id)
    {
        lock (_gate)
        {
            if (_owned.ContainsKey(partition))
            {
                _owned[partition] = id;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        // Hand the partitions over at once on a graceful stop; after a crash their leases lapse instead.
        try
        {
            var database = await _redis.GetDatabaseAsync().ConfigureAwait(false);
            await Task.WhenAll(Owned().Select(o => RedisQueueScripts.Release.EvaluateAsync(database, [RedisKeys.QueueOwner(_prefix, o.Partition)], [Consumer]))).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.ReleaseFailed(_logger, ex);
        }

        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_options.LeaseTime / 3, _timeProvider);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await TickAsync().ConfigureAwait(false);
                _lastRenewed = _timeProvider.GetTimestamp();
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                Log.LeaseFailed(_logger, ex);
                if (_timeProvider.GetElapsedTime(_lastRenewed) >= _options.LeaseTime)
                {
                    // Another node may own them by now: stop reading them until a lease is won again.
                    lock (_gate)
                    {
                        _owned.Clear();
                    }
                }
            }

            try
            {
                await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task TickAsync()
    {
        var database = await _redis.GetDatabaseAsync().ConfigureAwait(false);
        var leaseMs = (long)Math.Ceiling(_options.LeaseTime.TotalMilliseconds);
        var leases = new Task<RedisResult>[_options.Partitions];
        for (var p = 0; p < leases.Length; p++)
        {
            leases[p] = RedisQueueScripts.Lease.EvaluateAsync(database, [RedisKeys.QueueOwner(_prefix, p)], [Consumer, leaseMs]);
        }

        await Task.WhenAll(leases).ConfigureAwait(false);
        for (var p = 0; p < leases.Length; p++)
        {
            var outcome = (long)leases[p].Result;
            bool owned;
            lock (_gate)
            {
                owned = _owned.ContainsKey(p);
                if (outcome == 0)
                {
                    _owned.Remove(p);
                }
            }

            if (outcome == 2 || (outcome == 1 && !owned))
            {
                // Newly ours (or ours again after the lease lapsed): claim what its previous consumer left pending.
                await ClaimAsync(database, p).ConfigureAwait(false);
                lock (_gate)
                {
                    _owned[p] = FirstId;
                }

                Acquired?.Invoke();
            }
        }

        await RefreshStatisticsAsync(database).ConfigureAwait(false);
    }

    private async Task ClaimAsync(IDatabase database, int partition)
    {
        var key = RedisKeys.QueuePartition(_prefix, partition);
        await EnsureGroupAsync(database, key).ConfigureAwait(false);
        RedisValue start = FirstId;
        do
        {
            var claimed = await database.StreamAutoClaimIdsOnlyAsync(key, RedisKeys.QueueGroup, Consumer, 0, start, 1000).ConfigureAwait(false);
            if (claimed.ClaimedIds.Length > 0)
            {
                Log.Claimed(_logger, claimed.ClaimedIds.Length, partition);
            }

            start = claimed.NextStartId;
        }
        while (start != FirstId);
    }

    /// <summary>Creates the partition's group reading from the start (entries enqueued before it exists are not skipped).</summary>
    public static async Task EnsureGroupAsync(IDatabase database, RedisKey key)
    {
        try
        {
            await database.StreamCreateConsumerGroupAsync(key, RedisKeys.QueueGroup, FirstId, createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
        }
    }

    private async Task RefreshStatisticsAsync(IDatabase database)
    {
        var owned = Owned();
        var lengths = owned.Select(o => database.StreamLengthAsync(RedisKeys.QueuePartition(_prefix, o.Partition))).ToArray();
        var heads = owned.Select(o => database.StreamRangeAsync(RedisKeys.QueuePartition(_prefix, o.Partition), count: 1)).ToArray();
        await Task.WhenAll(Task.WhenAll(lengths), Task.WhenAll(heads)).ConfigureAwait(false);
        long? oldest = null;
        foreach (var head in heads)
        {
            if (head.Result is [var first, ..])
            {
                var id = (string)first.Id!;
                var at = long.Parse(id.AsSpan(0, id.IndexOf('-', StringComparison.Ordinal)), NumberStyles.None, CultureInfo.InvariantCulture);
                oldest = oldest is { } o ? Math.Min(o, at) : at;
            }
        }

        lock (_gate)
        {
            _statistics = new ChannelQueueStatistics(lengths.Sum(l => l.Result), oldest);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(170, LogLevel.Warning, "Renewing the queue partition leases failed; retrying at the next interval.")]
        public static partial void LeaseFailed(ILogger logger, Exception exception);

        [LoggerMessage(171, LogLevel.Information, "Claimed {Count} unacknowledged queued events of partition {Partition} from a previous owner.")]
        public static partial void Claimed(ILogger logger, int count, int partition);

        [LoggerMessage(172, LogLevel.Warning, "Releasing the queue partition leases failed; they lapse by themselves.")]
        public static partial void ReleaseFailed(ILogger logger, Exception exception);
    }
}
