using SignalRChannels.Stores.Tests.Queue;

namespace SignalRChannels.Stores.Tests.Cluster;

/// <summary>The queue contract and Redis tests on a three-master Redis Cluster.</summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class RedisClusterChannelQueueStoreTests(RedisClusterFixture redis) : RedisChannelQueueStoreTestsBase(redis);
