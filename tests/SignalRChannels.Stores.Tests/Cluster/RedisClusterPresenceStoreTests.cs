using SignalRChannels.Stores.Tests.Presence;
using Xunit.Abstractions;

namespace SignalRChannels.Stores.Tests.Cluster;

/// <summary>The presence contract and Redis tests on a three-master Redis Cluster.</summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class RedisClusterPresenceStoreTests(RedisClusterFixture redis, ITestOutputHelper output)
    : RedisPresenceStoreTestsBase(redis, output);
