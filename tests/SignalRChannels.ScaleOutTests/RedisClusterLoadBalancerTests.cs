namespace SignalRChannels.ScaleOutTests;

/// <summary>
/// The load balancer tests with the nodes on a three-master Redis Cluster: SignalR's Redis backplane (pub/sub) carries
/// publishes and whispers between the nodes, presence and history live in the cluster's slots; and queued broadcasting,
/// whose partitions live on every master.
/// </summary>
public sealed class RedisClusterLoadBalancerTests(BalancedRedisCluster cluster) : LoadBalancerTestsBase(cluster), IClassFixture<BalancedRedisCluster>
{
    [Fact]
    public async Task QueuedEvents_OnChannelsOfEveryPartition_ReachSubscribersOnOtherNodes_InOrderWithContiguousOffsets()
    {
        const int perChannel = 30;
        var run = Guid.NewGuid().ToString("N")[..8];
        var channels = Enumerable.Range(0, 6).Select(k => $"queue.{run}.{k}").ToArray();
        await using var subscriber = TestClients.Create(cluster.Nginx.HubUrl);
        var received = channels.ToDictionary(c => c, _ => new Recorder<(long Offset, int I)>());
        foreach (var channel in channels)
        {
            subscriber.Channel(channel).On<QueuedTick>("tick", (tick, e) =>
            {
                received[channel].Add((e.Offset!.Value, tick.I));
                return Task.CompletedTask;
            });
        }

        await subscriber.StartAsync().DefaultTimeout();
        await Task.WhenAll(channels.Select(c => subscriber.Channel(c).WhenSubscribedAsync())).DefaultTimeout();
        var subscriberNode = await subscriber.NodeAsync().DefaultTimeout();
        var publisher = cluster.Nodes.First(n => n.Name != subscriberNode);
        using var http = new HttpClient();

        foreach (var channel in channels)
        {
            var result = await publisher.QueueManyAsync(http, channel, "tick", perChannel, start: 1, node: publisher.Name).DefaultTimeout();
            Assert.Equal(perChannel, result.Accepted.Length);
        }

        foreach (var channel in channels)
        {
            await received[channel].WaitForCountAsync(perChannel);
            Assert.Equal(Enumerable.Range(1, perChannel), received[channel].Items.Select(r => r.I));
            Assert.Equal(Enumerable.Range(1, perChannel).Select(i => (long)i), received[channel].Items.Select(r => r.Offset));
        }
    }
}
