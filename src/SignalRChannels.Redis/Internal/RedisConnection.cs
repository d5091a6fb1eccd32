using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace SignalRChannels.Redis.Internal;

/// <summary>
/// The one multiplexer the backplane and the stores share, opened asynchronously on first use (never a blocking
/// connect on SignalR's connection path or at start-up). While Redis is down it keeps trying in the background.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly Func<Task<IConnectionMultiplexer>>? _connect;
    private readonly Lock _lock = new();
    private Task<IConnectionMultiplexer>? _multiplexer;

    public RedisConnection(IOptions<ChannelsRedisOptions> options)
    {
        var value = options.Value;
        _connect = async () =>
        {
            var configuration = value.ConfigurationOptions?.Clone() ?? ConfigurationOptions.Parse(value.Configuration!);
            // Keep trying in the background when Redis is down at start-up, so nodes recover by themselves.
            configuration.AbortOnConnectFail = false;
            // Pub/sub channels (the SignalR backplane's included) get the app's prefix; keys get it from RedisKeys.
            configuration.ChannelPrefix = RedisChannel.Literal(value.Prefix + ":");
            return await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        };
    }

    /// <summary>Uses a multiplexer the app (or a test) owns; it is not disposed here.</summary>
    public RedisConnection(IConnectionMultiplexer multiplexer)
    {
        ArgumentNullException.ThrowIfNull(multiplexer);
        _multiplexer = Task.FromResult(multiplexer);
    }

    public ValueTask<IConnectionMultiplexer> GetAsync()
    {
        var multiplexer = _multiplexer;
        if (multiplexer is { IsCompletedSuccessfully: true })
        {
            return new ValueTask<IConnectionMultiplexer>(multiplexer.Result);
        }

        lock (_lock)
        {
            // A connect that threw (a bad configuration string) is not cached: the next call tries again.
            if (_multiplexer is null || _multiplexer.IsFaulted || _multiplexer.IsCanceled)
            {
                _multiplexer = _connect!();
            }

            return new ValueTask<IConnectionMultiplexer>(_multiplexer);
        }
    }

    public async ValueTask<IDatabase> GetDatabaseAsync() => (await GetAsync().ConfigureAwait(false)).GetDatabase();

    public async ValueTask DisposeAsync()
    {
        if (_connect is not null && _multiplexer is { IsCompletedSuccessfully: true } created)
        {
            await created.Result.DisposeAsync().ConfigureAwait(false);
        }
    }
}
