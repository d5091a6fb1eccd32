using Xunit.Abstractions;

namespace SignalRChannels.Stores.Tests.Persistence;

/// <summary>
/// The contract on the Redis store against a real single server, plus what is particular to Redis (the same tests run
/// on Redis Cluster in <see cref="Cluster.RedisClusterChannelEventStoreTests"/>).
/// </summary>
public sealed class RedisChannelEventStoreTests(RedisFixture redis, ITestOutputHelper output)
    : RedisChannelEventStoreTestsBase(redis, output), IClassFixture<RedisFixture>;
