using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SignalRChannels.Query;
using SignalRChannels.Redis.Internal;
using SignalRChannels.Redis.Presence;
using StackExchange.Redis;

namespace SignalRChannels.Redis.Query;

/// <summary>
/// Writes this node's occupancy changes to Redis (layout in <see cref="OccupancyRedisKeys"/>) from one loop: changes
/// queued meanwhile go out together in one script, in order, so a storm of connects costs few round trips and no
/// two writes of the node race. A write that fails (Redis away) is not retried change by change: the node's entries
/// are rewritten from its exact in-memory counts once Redis answers, checked at every presence heartbeat.
/// </summary>
internal sealed partial class RedisOccupancyWriter(
    RedisConnection redis,
    IOptions<ChannelsRedisOptions> redisOptions,
    IOptions<PresenceOptions> presenceOptions,
    TimeProvider timeProvider,
    ILogger<RedisOccupancyWriter> logger,
    IOccupancyTransitions? transitions = null) : IOccupancySink, IAsyncDisposable
{
    private const int MaxBatch = 512;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _nodeId = presenceOptions.Value.NodeId;
    private readonly RedisKey[] _keys = OccupancyRedisKeys.Node(redisOptions.Value.Prefix, presenceOptions.Value.NodeId);
    private readonly RedisKey _leases = PresenceRedisKeys.Leases(redisOptions.Value.Prefix);
    private readonly string _prefix = redisOptions.Value.Prefix;
    private readonly IOccupancyTransitions? _transitions = transitions is { Enabled: true } ? transitions : null;
    private readonly RedisKey _marked = OccupancyRedisKeys.Marked(redisOptions.Value.Prefix, presenceOptions.Value.NodeId);

    private NodeOccupancy? _owner;
    private Task? _loop;
    private volatile bool _resync;

    public void Attach(NodeOccupancy owner) => _owner = owner;

    public Task Enqueue(OccupancyChange change) => Add(new Pending(change, null));

    public Task EnqueueCheck(long connections) => Add(new Pending(default, connections));

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
    }

    // Called under the owner's lock, so the loop starts once.
    private Task Add(Pending pending)
    {
        if (!_queue.Writer.TryWrite(pending))
        {
            return Task.CompletedTask;
        }

        _loop ??= Task.Run(RunAsync);
        return pending.Done.Task;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                if (_resync)
                {
                    await ReplaceAsync().ConfigureAwait(false);
                    continue;
                }

                batch.Clear();
                while (batch.Count < MaxBatch && reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }

                try
                {
                    await WriteAsync(batch).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
                {
                    Log.WriteFailed(logger, ex);
                    _resync = true;
                }

                if (_resync)
                {
                    await ReplaceAsync().ConfigureAwait(false);
                }

                batch.ForEach(p => p.Done.TrySetResult());
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            while (reader.TryRead(out var left))
            {
                left.Done.TrySetResult();
            }
        }
    }

    /// <summary>Applies the changes in order; a check compares the stored count once the changes queued before it are in.</summary>
    private async Task WriteAsync(List<Pending> batch)
    {
        var database = await ConnectedDatabaseAsync().ConfigureAwait(false);
        var start = 0;
        for (var i = 0; i <= batch.Count; i++)
        {
            if (i < batch.Count && batch[i].Check is null)
            {
                continue;
            }

            if (i > start)
            {
                var applied = OccupancyRedisScripts.Apply.EvaluateAsync(database, ScriptKeys, ApplyArguments(batch, start, i));
                await Task.WhenAll(StartLeaseAsync(database), applied).ConfigureAwait(false);
                await MarkAsync(database, await applied.ConfigureAwait(false)).ConfigureAwait(false);
            }

            if (i < batch.Count)
            {
                var stored = await database.StringGetAsync(_keys[0]).ConfigureAwait(false);
                if ((stored.IsNull ? 0 : (long)stored) != batch[i].Check)
                {
                    Log.Resynchronizing(logger);
                    _resync = true;
                }
            }

            start = i + 1;
        }
    }

    private RedisValue[] ApplyArguments(List<Pending> batch, int start, int end)
    {
        long connections = 0;
        var channels = new Dictionary<ChannelName, long>();
        var users = new List<RedisValue>();
        for (var i = start; i < end; i++)
        {
            var change = batch[i].Change;
            if (change.Channel is { } channel)
            {
                channels[channel] = channels.GetValueOrDefault(channel) + change.Delta;
            }
            else if (change.Connection is { } connection)
            {
                connections += change.Delta;
                if (connection.UserId is { } userId)
                {
                    users.AddRange([change.Delta > 0 ? "+" : "-", userId, connection.ConnectionId, change.Delta > 0 ? ConnectionInfoCodec.Encode(connection) : string.Empty]);
                }
            }
        }

        var changed = channels.Where(c => c.Value != 0).ToArray();
        var arguments = new List<RedisValue>(2 + (changed.Length * 2) + users.Count) { connections, changed.Length };
        foreach (var (channel, delta) in changed)
        {
            arguments.Add(channel.Value);
            arguments.Add(delta);
        }

        arguments.AddRange(users);
        return [.. arguments];
    }

    /// <summary>Rewrites the node's entries from a snapshot; the changes queued until then are in the snapshot already.</summary>
    private async Task ReplaceAsync()
    {
        List<Pending> covered = [];
        var snapshot = _owner!.Snapshot(() =>
        {
            while (_queue.Reader.TryRead(out var pending))
            {
                covered.Add(pending);
            }
        });
        try
        {
            var arguments = new List<RedisValue> { snapshot.Connections, snapshot.Channels.Length };
            foreach (var (channel, count) in snapshot.Channels)
            {
                arguments.Add(channel.Value);
                arguments.Add(count);
            }

            foreach (var (userId, connections) in snapshot.Users)
            {
                arguments.Add(userId);
                arguments.Add(ConnectionInfoCodec.EncodeUser(connections));
            }

            var database = await ConnectedDatabaseAsync().ConfigureAwait(false);
            var replaced = OccupancyRedisScripts.Replace.EvaluateAsync(database, ScriptKeys, [.. arguments]);
            await Task.WhenAll(StartLeaseAsync(database), replaced).ConfigureAwait(false);
            _resync = false;
            await MarkAsync(database, await replaced.ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            // Still out of sync: the next heartbeat's check wakes the loop to try again.
            Log.WriteFailed(logger, ex);
        }

        covered.ForEach(p => p.Done.TrySetResult());
    }

    /// <summary>
    /// Fails at once while Redis is away, rather than waiting in the multiplexer's backlog: callers wait for their
    /// change, and the node's entries are rewritten anyway once Redis is back.
    /// </summary>
    private async Task<IDatabase> ConnectedDatabaseAsync()
    {
        var multiplexer = await redis.GetAsync().ConfigureAwait(false);
        return multiplexer.IsConnected
            ? multiplexer.GetDatabase()
            : throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "Redis is not connected.");
    }

    /// <summary>The count scripts' KEYS: the node's keys, plus its marked set when transitions are wanted.</summary>
    private RedisKey[] ScriptKeys => _transitions is null ? _keys : [.. _keys, _marked];

    /// <summary>
    /// With transitions wanted (webhooks): marks the channels this node started or stopped holding (the crossings a count script returned) in
    /// each channel's own key, one script per channel, and reports the transitions those scripts decided; this node is
    /// the only one told of them. The marks of one batch go out together.
    /// </summary>
    private async Task MarkAsync(IDatabase database, RedisResult crossings)
    {
        if (_transitions is null)
        {
            return;
        }

        var crossed = (RedisResult[])crossings!;
        var marks = new List<(ChannelName Channel, bool Occupied, Task<RedisResult> Decided)>(crossed.Length / 2);
        for (var i = 0; i + 1 < crossed.Length; i += 2)
        {
            // Names were validated when subscribed; the configured length limit may have changed since.
            if (ChannelName.TryParse((string?)crossed[i + 1], int.MaxValue, out var channel, out _))
            {
                var direction = (string)crossed[i]!;
                marks.Add((channel, direction == "+", OccupancyRedisScripts.Mark.EvaluateAsync(database, [OccupancyRedisKeys.ChannelNodes(_prefix, channel.Value)], [_nodeId, direction])));
            }
        }

        var unmarked = new List<RedisValue>();
        foreach (var (channel, occupied, decided) in marks)
        {
            var changed = (int)await decided.ConfigureAwait(false) == 1;
            if (!occupied)
            {
                unmarked.Add(channel.Value);
            }

            if (changed)
            {
                if (occupied)
                {
                    _transitions.Occupied(channel);
                }
                else
                {
                    _transitions.Vacated(channel);
                }
            }
        }

        // Only now: until its unmark is done, the sweep of this node (if it dies meanwhile) must still unmark it.
        if (unmarked.Count > 0)
        {
            await database.SetRemoveAsync(_marked, [.. unmarked]).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A node's first write starts its lease (NX: only heartbeats renew it), so its entries are swept even if it dies
    /// before its first heartbeat.
    /// </summary>
    private Task<bool> StartLeaseAsync(IDatabase database) =>
        database.SortedSetAddAsync(_leases, _nodeId, timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), SortedSetWhen.NotExists);

    private sealed record Pending(OccupancyChange Change, long? Check)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static partial class Log
    {
        [LoggerMessage(60, LogLevel.Warning, "Writing this node's channel counts to Redis failed; they are rewritten once Redis answers.")]
        public static partial void WriteFailed(ILogger logger, Exception exception);

        [LoggerMessage(61, LogLevel.Information, "This node's channel counts in Redis differ from its own (a failed write or a sweep); rewriting them.")]
        public static partial void Resynchronizing(ILogger logger);
    }
}
