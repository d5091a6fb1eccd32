using System.Text.Json;
using SignalRChannels.Internal;
using StackExchange.Redis;

namespace SignalRChannels.Redis.Internal;

/// <summary>Carries revocation commands to every node over one Redis pub/sub channel.</summary>
internal sealed class RedisChannelCommandBus(IConnectionMultiplexer redis) : IChannelCommandBus
{
    private static readonly RedisChannel s_channel = RedisChannel.Literal("commands");

    public Task PublishAsync(ChannelCommand command, CancellationToken cancellationToken) =>
        redis.GetSubscriber().PublishAsync(s_channel, JsonSerializer.SerializeToUtf8Bytes(command));

    public void Subscribe(Func<ChannelCommand, Task> handler) =>
        redis.GetSubscriber().Subscribe(s_channel, (channel, message) =>
        {
            if (JsonSerializer.Deserialize<ChannelCommand>((byte[])message!) is { } command)
            {
                _ = handler(command);
            }
        });
}
