using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using StackExchange.Redis;

namespace SignalRChannels.Redis.Internal;

/// <summary>
/// Carries revocation commands to every node over one Redis pub/sub channel. Subscribing runs in the background
/// (the core's listener calls it when the host starts): while Redis is away it is retried with jittered exponential
/// backoff on the app's <see cref="TimeProvider"/> until it succeeds or the host stops; StackExchange.Redis restores
/// the subscription by itself after later reconnects. A malformed message is logged and dropped.
/// </summary>
internal sealed partial class RedisChannelCommandBus(RedisConnection redis, TimeProvider timeProvider, ILogger<RedisChannelCommandBus> logger) : IChannelCommandBus
{
    private static readonly RedisChannel s_channel = RedisChannel.Literal("commands");

    private readonly ResiliencePipeline _subscribeRetry = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
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

    public async Task PublishAsync(ChannelCommand command, CancellationToken cancellationToken)
    {
        var multiplexer = await redis.GetAsync().ConfigureAwait(false);
        await multiplexer.GetSubscriber().PublishAsync(s_channel, JsonSerializer.SerializeToUtf8Bytes(command)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task SubscribeAsync(Func<ChannelCommand, Task> handler, CancellationToken cancellationToken)
    {
        try
        {
            await _subscribeRetry.ExecuteAsync(
                async token =>
                {
                    var multiplexer = await redis.GetAsync().ConfigureAwait(false);
                    await multiplexer.GetSubscriber()
                        .SubscribeAsync(s_channel, (_, message) => Dispatch(handler, message))
                        .WaitAsync(token)
                        .ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host stopped before Redis came back.
        }
    }

    private void Dispatch(Func<ChannelCommand, Task> handler, RedisValue message)
    {
        ChannelCommand? command;
        try
        {
            command = JsonSerializer.Deserialize<ChannelCommand>((byte[])message!);
        }
        catch (JsonException ex)
        {
            Log.MalformedCommand(logger, ex);
            return;
        }

        if (command is not { Kind: not null, Target: not null, Pattern: not null })
        {
            Log.MalformedCommand(logger, null);
            return;
        }

        Task applying;
        try
        {
            applying = handler(command);
        }
        catch (Exception ex)
        {
            Log.CommandFailed(logger, ex, command.Kind);
            return;
        }

        applying.ContinueWith(
            t => Log.CommandFailed(logger, t.Exception!.GetBaseException(), command.Kind),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted,
            TaskScheduler.Default);
    }

    private static partial class Log
    {
        [LoggerMessage(60, LogLevel.Warning, "Subscribing to the Redis command channel failed (attempt {Attempt}); retrying.")]
        public static partial void SubscribeFailed(ILogger logger, Exception? exception, int attempt);

        [LoggerMessage(61, LogLevel.Error, "Applying the cluster command {Kind} failed.")]
        public static partial void CommandFailed(ILogger logger, Exception exception, string kind);

        [LoggerMessage(62, LogLevel.Warning, "A malformed message on the Redis command channel was dropped.")]
        public static partial void MalformedCommand(ILogger logger, Exception? exception);
    }
}
