namespace SignalRChannels.Stores.Tests.Cluster;

/// <summary>The test classes that share one <see cref="RedisClusterFixture"/>.</summary>
[CollectionDefinition(RedisClusterFixture.Collection)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>;
