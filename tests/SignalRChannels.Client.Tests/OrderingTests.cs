namespace SignalRChannels.Client.Tests;

/// <summary>
/// Publishers on two nodes at full speed: offsets are assigned cluster-wide by Redis, events can cross the backplane
/// out of order, and the client's sequencer still hands the app every offset once, in order.
/// </summary>
public sealed class OrderingTests
{
    private const int Total = 10_000;

    [Fact]
    public async Task PublishersOnTwoNodes_SubscriberOnEachNode_SeesOffsets1To10000OnceInOrder()
    {
        var prefix = TestRedis.NewPrefix();
        await using var nodeA = await TestNode.StartAsync(redisPrefix: prefix);
        await using var nodeB = await TestNode.StartAsync(redisPrefix: prefix);
        var channelName = "hist.order-" + Guid.NewGuid().ToString("N");

        await using var onA = nodeA.CreateClient(ChannelsProtocol.MessagePack);
        await using var onB = nodeB.CreateClient(ChannelsProtocol.Json);
        var seenOnA = Subscribe(onA, channelName, out var gapsOnA);
        var seenOnB = Subscribe(onB, channelName, out var gapsOnB);
        await Task.WhenAll(onA.StartAsync(), onB.StartAsync()).DefaultTimeout();
        await Task.WhenAll(onA.Channel(channelName).WhenSubscribedAsync(), onB.Channel(channelName).WhenSubscribedAsync()).DefaultTimeout();

        await Task.WhenAll(
            Task.Run(() => PublishAsync(nodeA, channelName, Total / 2)),
            Task.Run(() => PublishAsync(nodeB, channelName, Total / 2)));

        await Task.WhenAll(seenOnA.WaitForCountAsync(Total), seenOnB.WaitForCountAsync(Total)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), seenOnA.Items);
        Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), seenOnB.Items);
        Assert.Empty(gapsOnA.Items);
        Assert.Empty(gapsOnB.Items);
    }

    private static Recorder<long> Subscribe(ChannelsClient client, string channelName, out Recorder<GapDetectedEventArgs> gaps)
    {
        var offsets = new Recorder<long>();
        var gapRecorder = new Recorder<GapDetectedEventArgs>();
        var channel = client.Channel(channelName);
        channel.On<Message>("tick", (_, e) =>
        {
            offsets.Add(e.Offset!.Value);
            return Task.CompletedTask;
        });
        channel.GapDetected += (_, gap) => gapRecorder.Add(gap);
        gaps = gapRecorder;
        return offsets;
    }

    private static async Task PublishAsync(TestNode node, string channel, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await node.Broadcaster.PublishAsync(channel, "tick", new Message(i, "order"));
        }
    }
}
