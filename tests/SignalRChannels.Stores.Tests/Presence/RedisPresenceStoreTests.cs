using Xunit.Abstractions;

namespace SignalRChannels.Stores.Tests.Presence;

/// <summary>
/// The presence contract and Redis tests on a real single server (the same tests run on Redis Cluster in
/// <see cref="Cluster.RedisClusterPresenceStoreTests"/>).
/// </summary>
public sealed class RedisPresenceStoreTests(RedisFixture redis, ITestOutputHelper output)
    : RedisPresenceStoreTestsBase(redis, output), IClassFixture<RedisFixture>;
