using SignalRChannels.Stores.Tests.Persistence;
using Xunit.Abstractions;

namespace SignalRChannels.Stores.Tests.Cluster;

/// <summary>The history store's contract and Redis tests on a three-master Redis Cluster.</summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class RedisClusterChannelEventStoreTests(RedisClusterFixture redis, ITestOutputHelper output)
    : RedisChannelEventStoreTestsBase(redis, output);
