using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace SignalRChannels.Redis.Internal;

/// <summary>Creates the one multiplexer the backplane and the stores share.</summary>
internal sealed class RedisConnection(IOptions<ChannelsRedisOptions> options) : IDisposable
{
    private readonly Lazy<ConnectionMultiplexer> _multiplexer = new(() =>
    {
        var value = options.Value;
        var configuration = value.ConfigurationOptions?.Clone() ?? ConfigurationOptions.Parse(value.Configuration!);
        // Keep trying in the background when Redis is down at start-up, so nodes recover by themselves.
        configuration.AbortOnConnectFail = false;
        // Pub/sub channels (the SignalR backplane's included) get the app's prefix; keys get it from RedisKeys.
        configuration.ChannelPrefix = RedisChannel.Literal(value.Prefix + ":");
        return ConnectionMultiplexer.Connect(configuration);
    });

    public IConnectionMultiplexer Multiplexer => _multiplexer.Value;

    public void Dispose()
    {
        if (_multiplexer.IsValueCreated)
        {
            _multiplexer.Value.Dispose();
        }
    }
}
