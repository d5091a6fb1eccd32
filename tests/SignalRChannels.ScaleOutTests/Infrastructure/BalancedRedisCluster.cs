namespace SignalRChannels.ScaleOutTests.Infrastructure;

/// <summary>
/// <see cref="BalancedCluster"/> on a three-master Redis Cluster of its own (<see cref="RedisCluster"/>), the nodes
/// configured with a connection string that lists every master and with queued broadcasting on; the cluster is torn
/// down with the fixture.
/// </summary>
public sealed class BalancedRedisCluster : BalancedCluster
{
    private RedisCluster? _redis;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    // Queued broadcasting too: its partitions (16 by default) spread over the masters.
    protected override ServerNodeOptions NodeOptions(string redis) => base.NodeOptions(redis) with { QueueLeaseMs = 2_000 };

    protected override async Task<string> StartRedisAsync()
    {
        _redis = await RedisCluster.StartAsync();
        return _redis.Configuration;
    }
}
