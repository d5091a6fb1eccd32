namespace SignalRChannels.Client.Tests;

/// <summary>Typed server events (<see cref="IBroadcastEvent"/>) reach the client's typed listener <c>On&lt;T&gt;(handler)</c>.</summary>
public sealed class TypedEventTests
{
    public sealed record OrderShipped(long OrderId, string Channel) : IBroadcastEvent
    {
        public IEnumerable<string> BroadcastOn() => [Channel];

        public object? BroadcastWith() => new { OrderId };
    }

    [Theory]
    [InlineData(ChannelsProtocol.Json)]
    [InlineData(ChannelsProtocol.MessagePack)]
    public async Task TypedServerEvent_ReachesTheListenerNamedAfterItsType(ChannelsProtocol protocol)
    {
        await using var node = await TestNode.StartAsync();
        await using var client = node.CreateClient(protocol);
        var channel = client.Channel("orders." + Guid.NewGuid().ToString("N"));
        var received = new Recorder<OrderShipped>();
        var other = new Recorder<Message>();
        channel.On<OrderShipped>(received.Add);
        channel.On<Message>(other.Add);

        await client.StartAsync().DefaultTimeout();
        await channel.WhenSubscribedAsync().DefaultTimeout();
        await node.Broadcaster.PublishAsync(new OrderShipped(42, channel.Name)).DefaultTimeout();
        await node.Broadcaster.PublishAsync(channel.Name, nameof(Message), new Message(1, "after")).DefaultTimeout();
        await other.WaitForCountAsync(1);

        // Channel is not in the payload (BroadcastWith leaves it out), so it reads back as null.
        Assert.Equal(new OrderShipped(42, null!), received.Items.Single());
    }
}
