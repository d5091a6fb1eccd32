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

    [Fact]
    public async Task RevocationSentOnOneNode_RemovesTheUserOnEveryNode()
    {
        var room = "room." + Guid.NewGuid().ToString("N");
        var clients = new List<ChannelsClient>();
        var removed = new Recorder<string>();
        try
        {
            // Three connections of one user, one per node.
            while (clients.Count < 3)
            {
                var client = TestClients.Create(cluster.Nginx.HubUrl, "eve");
                clients.Add(client);
                client.Presence(room).Unsubscribed += (_, reason) => removed.Add(reason);
                await client.StartAsync().DefaultTimeout();
                await client.Presence(room).WhenSubscribedAsync().DefaultTimeout();
            }

            Assert.Equal(3, (await Task.WhenAll(clients.Select(c => c.NodeAsync()))).Distinct().Count());
            using var http = new HttpClient();
            using var response = await http.PostAsync(new Uri(cluster.Nodes[0].BaseAddress, $"/revoke-user/eve?pattern=presence-{room}"), content: null);
            response.EnsureSuccessStatusCode();

            await removed.WaitForCountAsync(3);
            Assert.All(removed.Items, reason => Assert.Contains("revoked", reason, StringComparison.Ordinal));
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }
}
