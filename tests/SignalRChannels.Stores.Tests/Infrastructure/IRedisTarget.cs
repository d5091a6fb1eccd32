using StackExchange.Redis;

namespace SignalRChannels.Stores.Tests.Infrastructure;

/// <summary>
/// The real Redis a class of Redis store tests runs against, one per test process: a single server
/// (<see cref="RedisFixture"/>) or a three-master Redis Cluster (<see cref="RedisClusterFixture"/>). The same tests
/// derive once for each.
/// </summary>
public interface IRedisTarget
{
    /// <summary>The StackExchange.Redis configuration string.</summary>
    string Configuration { get; }

    /// <summary>The connection the tests share.</summary>
    IConnectionMultiplexer Connection { get; }

    /// <summary>A second, independent connection, as another node would have; the caller disposes it.</summary>
    Task<ConnectionMultiplexer> ConnectAsync();

    /// <summary>
    /// A fresh key prefix, so tests sharing the server never see each other's keys. On a cluster, one for which
    /// <paramref name="spreadKeys"/> land on different masters, so that touching two of them at once fails.
    /// </summary>
    string NewPrefix(string kind, params Func<string, RedisKey>[] spreadKeys);
}
