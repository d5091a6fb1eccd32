namespace SignalRChannels.ScaleOutTests;

/// <summary>The load balancer tests with the nodes on a single Redis server.</summary>
public sealed class LoadBalancerTests(BalancedCluster cluster) : LoadBalancerTestsBase(cluster), IClassFixture<BalancedCluster>;
