using StackExchange.Redis;

namespace SignalRChannels.Stores.Tests.Infrastructure;

/// <summary>
/// The three-master Redis Cluster the Redis store tests also run against: started once for the test classes of
/// collection <see cref="Collection"/>, torn down after the last of them. Prefixes are chosen so that the keys a test
/// class names land on different masters.
/// </summary>
public sealed class RedisClusterFixture : IRedisTarget, IAsyncLifetime
{
    /// <summary>The collection whose classes share the cluster (they run one after another).</summary>
    public const string Collection = "Redis Cluster";

    private RedisCluster? _cluster;
    private ConnectionMultiplexer? _connection;

    public string Configuration => _cluster?.Configuration ?? throw new InvalidOperationException("The fixture is not initialized.");

    public IConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("The fixture is not initialized.");

    public string NewPrefix(string kind, params Func<string, RedisKey>[] spreadKeys) => RedisCluster.SpreadPrefix(Connection, kind, spreadKeys);

    public Task<ConnectionMultiplexer> ConnectAsync() => _cluster!.ConnectAsync();

    public async Task InitializeAsync()
    {
        _cluster = await RedisCluster.StartAsync();
        _connection = await _cluster.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
