using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using StackExchange.Redis;

namespace SignalRChannels.Redis.Internal;

/// <summary>
/// Carries cluster commands (revocations, event-filter announcements) to every node through a capped Redis stream,
/// <c>{prefix}:cmd</c>, that each node reads in order from where it stopped. A pub/sub message on <c>{prefix}:commands</c>
/// only wakes the readers; a node that missed it (its pub/sub connection was reconnecting after a Redis restart)
/// reads the command when its connection is restored or at its next catch-up, one presence heartbeat interval later. So
/// each node applies each command once, in order, unless it falls more than <see cref="StreamLength"/> commands behind.
/// Subscribing is retried with jittered exponential backoff while Redis is away. A malformed entry is logged and skipped.
/// </summary>
internal sealed partial class RedisChannelCommandBus : IChannelCommandBus, IDisposable
{
    /// <summary>How many recent commands the stream keeps (approximately) for nodes that are catching up.</summary>
    public const int StreamLength = 1_000;

    private const int ReadBatch = 100;
    private static readonly RedisValue s_field = "c";

    private readonly RedisConnection _redis;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _catchUpInterval;
    private readonly ILogger<RedisChannelCommandBus> _logger;
    private readonly RedisKey _stream;
    private readonly RedisChannel _wakeUpChannel;
    private readonly Channel<bool> _wakeUps = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ResiliencePipeline _subscribeRetry;
    private readonly CancellationTokenSource _disposed = new();
    private RedisValue _lastId;
    private long _read;

    /// <summary>How many commands this node has read from the stream and applied (or skipped as malformed).</summary>
    public long CommandsRead => Interlocked.Read(ref _read);

    public RedisChannelCommandBus(
        RedisConnection redis,
        IOptions<ChannelsRedisOptions> redisOptions,
        IOptions<PresenceOptions> presenceOptions,
        TimeProvider timeProvider,
        ILogger<RedisChannelCommandBus> logger)
    {
        _redis = redis;
        _timeProvider = timeProvider;
        _catchUpInterval = presenceOptions.Value.HeartbeatInterval;
        _logger = logger;
        _stream = redisOptions.Value.Prefix + ":cmd";
        // The multiplexer prefixes channels with the app prefix.
        _wakeUpChannel = RedisChannel.Literal("commands");
        _subscribeRetry = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(10),
                OnRetry = args =>
                {
                    Log.SubscribeFailed(logger, args.Outcome.Exception, args.AttemptNumber + 1);
                    return default;
                },
            })
            .Build();
    }

    /// <summary>Appends the command to the stream (it is accepted then), and wakes the readers.</summary>
    public async Task PublishAsync(ChannelCommand command, CancellationToken cancellationToken)
    {
        var multiplexer = await _redis.GetAsync().ConfigureAwait(false);
        var id = await multiplexer.GetDatabase()
            .StreamAddAsync(_stream, s_field, JsonSerializer.SerializeToUtf8Bytes(command), maxLength: StreamLength, useApproximateMaxLength: true)
            .WaitAsync(cancellationToken)
            .ConfigureAwait(false);
        try
        {
            await multiplexer.GetSubscriber().PublishAsync(_wakeUpChannel, id).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The command is in the stream: every node reads it at its next catch-up.
            Log.WakeUpFailed(_logger, ex);
        }
    }

    public async Task SubscribeAsync(Func<ChannelCommand, Task> handler, CancellationToken cancellationToken)
    {
        try
        {
            var multiplexer = await _redis.GetAsync().ConfigureAwait(false);
            await _subscribeRetry.ExecuteAsync(
                async token =>
                {
                    await multiplexer.GetSubscriber()
                        .SubscribeAsync(_wakeUpChannel, (_, _) => _wakeUps.Writer.TryWrite(true))
                        .WaitAsync(token)
                        .ConfigureAwait(false);
                    // Commands sent before this node started are not its business: start after the newest one.
                    var newest = await multiplexer.GetDatabase().StreamRangeAsync(_stream, count: 1, messageOrder: Order.Descending)
                        .WaitAsync(token)
                        .ConfigureAwait(false);
                    _lastId = newest.Length == 0 ? "0-0" : newest[0].Id;
                },
                cancellationToken).ConfigureAwait(false);

            multiplexer.ConnectionRestored += OnRestored;
            var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
            _ = ReadLoopAsync(multiplexer, handler, stopping);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host stopped before Redis came back.
        }
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    private void OnRestored(object? sender, ConnectionFailedEventArgs e) => _wakeUps.Writer.TryWrite(true);

    /// <summary>Reads new commands whenever woken, and once per catch-up interval; one command at a time, in order.</summary>
    private async Task ReadLoopAsync(IConnectionMultiplexer multiplexer, Func<ChannelCommand, Task> handler, CancellationTokenSource stopping)
    {
        var token = stopping.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                try
                {
                    await ReadNewAsync(multiplexer.GetDatabase(), handler, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (!token.IsCancellationRequested)
                {
                    // Redis away: the next wake-up or catch-up reads from the same place.
                    Log.ReadFailed(_logger, ex);
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(token);
                wait.CancelAfter(_catchUpInterval);
                try
                {
                    await _wakeUps.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    // The catch-up interval passed without a wake-up.
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The host stopped.
        }
        finally
        {
            multiplexer.ConnectionRestored -= OnRestored;
            stopping.Dispose();
        }
    }

    private async Task ReadNewAsync(IDatabase database, Func<ChannelCommand, Task> handler, CancellationToken cancellationToken)
    {
        while (true)
        {
            var entries = await database.StreamRangeAsync(_stream, minId: "(" + _lastId, count: ReadBatch).WaitAsync(cancellationToken).ConfigureAwait(false);
            foreach (var entry in entries)
            {
                _lastId = entry.Id;
                if (Parse(entry) is { } command)
                {
                    await ApplyAsync(handler, command).ConfigureAwait(false);
                }

                Interlocked.Increment(ref _read);
            }

            if (entries.Length < ReadBatch)
            {
                return;
            }
        }
    }

    private ChannelCommand? Parse(StreamEntry entry)
    {
        try
        {
            if (JsonSerializer.Deserialize<ChannelCommand>((byte[])entry[s_field]!) is { Kind: not null, Target: not null, Pattern: not null } command)
            {
                return command;
            }
        }
        catch (Exception ex) when (ex is JsonException or ArgumentNullException)
        {
            Log.MalformedCommand(_logger, ex);
            return null;
        }

        Log.MalformedCommand(_logger, null);
        return null;
    }

    private async Task ApplyAsync(Func<ChannelCommand, Task> handler, ChannelCommand command)
    {
        try
        {
            await handler(command).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.CommandFailed(_logger, ex, command.Kind);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(60, LogLevel.Warning, "Subscribing to the Redis command channel failed (attempt {Attempt}); retrying.")]
        public static partial void SubscribeFailed(ILogger logger, Exception? exception, int attempt);

        [LoggerMessage(61, LogLevel.Error, "Applying the cluster command {Kind} failed.")]
        public static partial void CommandFailed(ILogger logger, Exception exception, string kind);

        [LoggerMessage(62, LogLevel.Warning, "A malformed entry in the Redis command stream was skipped.")]
        public static partial void MalformedCommand(ILogger logger, Exception? exception);

        [LoggerMessage(63, LogLevel.Debug, "Reading the Redis command stream failed; retrying at the next wake-up or catch-up.")]
        public static partial void ReadFailed(ILogger logger, Exception exception);

        [LoggerMessage(64, LogLevel.Debug, "Waking the other nodes for a command failed; they read it at their next catch-up.")]
        public static partial void WakeUpFailed(ILogger logger, Exception exception);
    }
}
