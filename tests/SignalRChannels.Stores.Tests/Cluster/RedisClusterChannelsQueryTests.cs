using SignalRChannels.Stores.Tests.Query;

namespace SignalRChannels.Stores.Tests.Cluster;

/// <summary>The query API's counts on a three-master Redis Cluster.</summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class RedisClusterChannelsQueryTests(RedisClusterFixture redis) : RedisChannelsQueryTestsBase(redis);
