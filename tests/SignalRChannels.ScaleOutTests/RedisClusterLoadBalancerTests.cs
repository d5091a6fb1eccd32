namespace SignalRChannels.ScaleOutTests;

/// <summary>
/// The load balancer tests with the nodes on a three-master Redis Cluster: SignalR's Redis backplane (pub/sub) carries
/// publishes and whispers between the nodes, presence and history live in the cluster's slots.
/// </summary>
public sealed class RedisClusterLoadBalancerTests(BalancedRedisCluster cluster) : LoadBalancerTestsBase(cluster), IClassFixture<BalancedRedisCluster>;
