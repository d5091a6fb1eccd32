namespace SignalRChannels.Client.Tests;

/// <summary>
/// The connection is killed from the server side while events keep being published: after reconnecting, the client
/// resubscribes with its last position and the app sees every offset exactly once, in order.
/// </summary>
public sealed class RecoveryTests
{
    private const int BeforeOutage = 10;
    private const int DuringOutage = 200;

    [Theory]
    [InlineData(ChannelsProtocol.Json)]
    [InlineData(ChannelsProtocol.MessagePack)]
    public async Task ServerAbortsConnection_EventsPublishedWhileDown_AreDeliveredOnceInOrder(ChannelsProtocol protocol)
    {
        await using var node = await TestNode.StartAsync();
        await RunOutageAsync(publisher: node, subscriberNode: node, protocol);
    }

    [Fact]
    public async Task TwoNodesOnRedis_SubscriberOnBPublisherOnA_RecoversEveryEventOnceInOrder()
    {
        var prefix = TestRedis.NewPrefix();
        await using var nodeA = await TestNode.StartAsync(redisPrefix: prefix);
        await using var nodeB = await TestNode.StartAsync(redisPrefix: prefix);
        await RunOutageAsync(publisher: nodeA, subscriberNode: nodeB, ChannelsProtocol.MessagePack);
    }

    [Theory]
    [InlineData(ChannelsProtocol.Json)]
    [InlineData(ChannelsProtocol.MessagePack)]
    public async Task NodeRestartLosesInMemoryHistory_GapOfTheOldEpochIsReported_ThenTheNewStreamIsDelivered(ChannelsProtocol protocol)
    {
        TestNode? node = await TestNode.StartAsync();
        try
        {
            await using var client = node.CreateClient(protocol);
            var channel = client.Channel("hist.restart-" + Guid.NewGuid().ToString("N"));
            var offsets = new Recorder<long>();
            var gaps = new Recorder<GapDetectedEventArgs>();
            var subscriptions = new Recorder<SubscribedEventArgs>();
            var states = new Recorder<ConnectionState>();
            channel.On<Message>("tick", (_, e) =>
            {
                offsets.Add(e.Offset!.Value);
                return Task.CompletedTask;
            });
            channel.GapDetected += (_, gap) => gaps.Add(gap);
            channel.Subscribed += (_, e) => subscriptions.Add(e);
            client.StateChanged += (_, e) => states.Add(e.Current);
            await client.StartAsync().DefaultTimeout();
            await channel.WhenSubscribedAsync().DefaultTimeout();
            await PublishAsync(node, channel.Name, 1, 3);
            await offsets.WaitForCountAsync(3);
            var oldEpoch = channel.Position!.Epoch;

            // The node goes down and comes back on its port with an empty in-memory history. It stays closed until the
            // channel's new stream has offsets 1 to 5, which a resubscription that ignored the epoch would replay.
            var hubUrl = node.HubUrl;
            node.Closed = true;
            node.Connections.Abort(client.SocketId!);
            await states.WaitUntilAsync(s => s.Contains(ConnectionState.Reconnecting));
            await node.DisposeAsync();
            node = null;
            node = await TestNode.StartAsync(restartOf: hubUrl, closed: true);
            await PublishAsync(node, channel.Name, 1, 5);
            node.Closed = false;
            await subscriptions.WaitForCountAsync(2);
            await PublishAsync(node, channel.Name, 6, 6);
            await offsets.WaitForCountAsync(4);

            var gap = Assert.Single(gaps.Items);
            Assert.Equal(GapReason.EpochChanged, gap.Reason);
            Assert.Equal(oldEpoch, gap.Epoch);
            Assert.Equal(4, gap.FromOffset);
            Assert.Null(gap.ToOffset);
            Assert.True(subscriptions.Items[1].Resubscribed);
            Assert.False(subscriptions.Items[1].Recovered);
            Assert.Equal([1L, 2, 3, 6], offsets.Items);
            Assert.NotEqual(oldEpoch, channel.Position!.Epoch);
            Assert.Equal(6, channel.Position.Offset);
        }
        finally
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        static async Task PublishAsync(TestNode node, string channel, int from, int to)
        {
            for (var i = from; i <= to; i++)
            {
                await node.Broadcaster.PublishAsync(channel, "tick", new Message(i, "tick")).DefaultTimeout();
            }
        }
    }

    private static async Task RunOutageAsync(TestNode publisher, TestNode subscriberNode, ChannelsProtocol protocol)
    {
        await using var client = subscriberNode.CreateClient(protocol);
        var channel = client.Channel("hist.recovery-" + Guid.NewGuid().ToString("N"));
        var offsets = new Recorder<long>();
        var payloads = new List<int>();
        var gaps = new Recorder<GapDetectedEventArgs>();
        var states = new Recorder<ConnectionState>();
        var resubscriptions = new Recorder<SubscribedEventArgs>();
        channel.On<Message>("tick", (message, e) =>
        {
            payloads.Add(message.N);
            offsets.Add(e.Offset!.Value);
            return Task.CompletedTask;
        });
        channel.GapDetected += (_, gap) => gaps.Add(gap);
        channel.Subscribed += (_, e) => resubscriptions.Add(e);
        client.StateChanged += (_, e) => states.Add(e.Current);

        await client.StartAsync().DefaultTimeout();
        await channel.WhenSubscribedAsync().DefaultTimeout();
        for (var i = 1; i <= BeforeOutage; i++)
        {
            await publisher.Broadcaster.PublishAsync(channel.Name, "tick", new Message(i, "before")).DefaultTimeout();
        }

        await offsets.WaitForCountAsync(BeforeOutage);

        subscriberNode.Closed = true;
        subscriberNode.Connections.Abort(client.SocketId!);
        await states.WaitUntilAsync(s => s.Contains(ConnectionState.Reconnecting));
        for (var i = BeforeOutage + 1; i <= BeforeOutage + DuringOutage; i++)
        {
            await publisher.Broadcaster.PublishAsync(channel.Name, "tick", new Message(i, "during")).DefaultTimeout();
        }

        Assert.Equal(BeforeOutage, offsets.Items.Count);
        subscriberNode.Closed = false;
        await offsets.WaitForCountAsync(BeforeOutage + DuringOutage);

        // One more live event: any duplicate of the replay would have arrived before it.
        const int Total = BeforeOutage + DuringOutage + 1;
        await publisher.Broadcaster.PublishAsync(channel.Name, "tick", new Message(Total, "after")).DefaultTimeout();
        await offsets.WaitForCountAsync(Total);

        Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), offsets.Items);
        Assert.Equal(Enumerable.Range(1, Total), payloads);
        Assert.Empty(gaps.Items);
        Assert.Equal(ConnectionState.Connected, client.State);
        var resubscribed = resubscriptions.Items.Last();
        Assert.True(resubscribed.Resubscribed);
        Assert.True(resubscribed.Recovered);
        Assert.Equal(new StreamPosition(Total, channel.Position!.Epoch), channel.Position);
    }
}
