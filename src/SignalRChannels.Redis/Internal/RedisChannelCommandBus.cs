using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using SignalRChannels.Internal;
using StackExchange.Redis;

namespace SignalRChannels.Redis.Internal;

/// <summary>
/// Carries revocation commands to every node over one Redis pub/sub channel. Subscribing never blocks start-up:
/// while Redis is away it is retried in the background (Polly, jittered exponential backoff); StackExchange.Redis
/// restores the subscription by itself after later reconnects.
/// </summary>
internal sealed partial class RedisChannelCommandBus(IConnectionMultiplexer redis, ILogger<RedisChannelCommandBus> logger) : IChannelCommandBus
{
    private static readonly RedisChannel s_channel = RedisChannel.Literal("commands");

    private readonly ResiliencePipeline _subscribeRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
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

    public Task PublishAsync(ChannelCommand command, CancellationToken cancellationToken) =>
        redis.GetSubscriber().PublishAsync(s_channel, JsonSerializer.SerializeToUtf8Bytes(command));

    public Task SubscribeAsync(Func<ChannelCommand, Task> handler, CancellationToken cancellationToken)
    {
        _ = _subscribeRetry.ExecuteAsync(
            async _ => await redis.GetSubscriber().SubscribeAsync(s_channel, (channel, message) => Dispatch(handler, message)).ConfigureAwait(false),
            CancellationToken.None).AsTask();
        return Task.CompletedTask;
    }

    private void Dispatch(Func<ChannelCommand, Task> handler, RedisValue message)
    {
        if (JsonSerializer.Deserialize<ChannelCommand>((byte[])message!) is not { } command)
        {
            return;
        }

        handler(command).ContinueWith(
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
    }
}
