namespace SignalRChannels.Client.Tests;

/// <summary>
/// Event filters from the .NET client against a real node: only the listed events arrive, and on a history channel the
/// filtered holes are never reported as gaps, live, after a recovery, or in history reads.
/// </summary>
public sealed class FilteredSubscriptionTests
{
    [Theory]
    [InlineData(ChannelsProtocol.Json)]
    [InlineData(ChannelsProtocol.MessagePack)]
    public async Task FilteredChannel_LiveAndRecoveredAfterAnOutage_GetsOnlyItsEvents_WithoutFalseGaps(ChannelsProtocol protocol)
    {
        await using var node = await TestNode.StartAsync();
        await using var client = node.CreateClient(protocol);
        var channel = client.Channel("hist.filtered-" + Guid.NewGuid().ToString("N"), events: ["tick"]);
        var received = new Recorder<(string Name, long Offset)>();
        var gaps = new Recorder<GapDetectedEventArgs>();
        var states = new Recorder<ConnectionState>();
        var subscriptions = new Recorder<SubscribedEventArgs>();
        channel.On<Message>("tick", (_, e) => Record(received, e));
        channel.On<Message>("noise", (_, e) => Record(received, e));
        channel.GapDetected += (_, gap) => gaps.Add(gap);
        channel.Subscribed += (_, e) => subscriptions.Add(e);
        client.StateChanged += (_, e) => states.Add(e.Current);
        await client.StartAsync().DefaultTimeout();
        await channel.WhenSubscribedAsync().DefaultTimeout();

        await PublishAsync(node, channel.Name, 1, 6);
        await received.WaitForCountAsync(3);
        node.Closed = true;
        node.Connections.Abort(client.SocketId!);
        await states.WaitUntilAsync(s => s.Contains(ConnectionState.Reconnecting));
        await PublishAsync(node, channel.Name, 7, 12);
        node.Closed = false;
        await subscriptions.WaitForCountAsync(2);
        await PublishAsync(node, channel.Name, 13, 14);
        await received.WaitForCountAsync(7);
        var history = await channel.HistoryAsync<Message>().DefaultTimeout();

        // Odd offsets are ticks, even ones noise: 1..13 odd, each once, in order.
        Assert.Equal([1L, 3, 5, 7, 9, 11, 13], received.Items.Select(r => r.Offset));
        Assert.All(received.Items, r => Assert.Equal("tick", r.Name));
        Assert.Empty(gaps.Items);
        Assert.True(subscriptions.Items[1].Recovered);
        Assert.Equal([1L, 3, 5, 7, 9, 11, 13], history.Events.Select(e => e.Offset!.Value));
        Assert.Equal(["tick"], channel.EventFilter);
    }

    [Fact]
    public async Task AskingForAHeldChannelWithAnotherFilter_Throws()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = node.CreateClient(ChannelsProtocol.Json);
        var channel = client.Channel("news." + Guid.NewGuid().ToString("N"), events: ["b", "a", "a"]);

        Assert.Same(channel, client.Channel(channel.Name, ["a", "b"]));
        Assert.Throws<InvalidOperationException>(() => client.Channel(channel.Name));
        Assert.Throws<ArgumentException>(() => client.Channel("other", []));
    }

    private static Task Record(Recorder<(string Name, long Offset)> received, ChannelEvent<Message> e)
    {
        received.Add((e.EventName, e.Offset!.Value));
        return Task.CompletedTask;
    }

    private static async Task PublishAsync(TestNode node, string channel, int from, int to)
    {
        for (var i = from; i <= to; i++)
        {
            await node.Broadcaster.PublishAsync(channel, i % 2 == 1 ? "tick" : "noise", new Message(i, "x")).DefaultTimeout();
        }
    }
}
