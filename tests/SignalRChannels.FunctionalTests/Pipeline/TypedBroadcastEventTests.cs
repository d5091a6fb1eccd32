namespace SignalRChannels.FunctionalTests.Pipeline;

/// <summary><see cref="IBroadcastEvent"/>: one call publishes a record to its channels, under its name, through the middleware.</summary>
public class TypedBroadcastEventTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private ChannelsTestServer Server => fixture.Server;

    public sealed record OrderShipped(long OrderId, string Carrier, string[] Channels) : IBroadcastEvent
    {
        public IEnumerable<string> BroadcastOn() => Channels;

        // The payload without the routing: only what subscribers need.
        public object? BroadcastWith() => new { OrderId, Carrier };
    }

    public sealed record Named(string Channel, string Name) : IBroadcastEvent
    {
        public IEnumerable<string> BroadcastOn() => [Channel];

        public string BroadcastAs() => Name;
    }

    public sealed record Bare(string Channel) : IBroadcastEvent
    {
        public IEnumerable<string> BroadcastOn() => [Channel, Channel];
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task TypedEvent_ReachesEachOfItsChannels_UnderItsTypeName(WireProtocol protocol)
    {
        var order = TestChannels.Unique("shipments");
        var dashboard = TestChannels.Unique("dashboard");
        var client = await Server.ConnectAsync(protocol: protocol);
        await client.SubscribeManyAsync([order, dashboard]);

        await Server.Broadcaster.PublishAsync(new OrderShipped(42, "DHL", [order, dashboard])).DefaultTimeout();

        Assert.Equal("""{"orderId":42,"carrier":"DHL"}""", (await client.AssertNextEventAsync(order, nameof(OrderShipped))).DataJson());
        Assert.Equal("""{"orderId":42,"carrier":"DHL"}""", (await client.AssertNextEventAsync(dashboard, nameof(OrderShipped))).DataJson());
    }

    [Fact]
    public async Task TypedEvent_ByDefault_SendsItselfAsPayload_OncePerDistinctChannel()
    {
        var channel = TestChannels.Unique();
        var client = await Server.ConnectAsync();
        await client.SubscribeAsync(channel);

        await Server.Broadcaster.PublishAsync(new Bare(channel)).DefaultTimeout();
        await Server.Broadcaster.PublishAsync(channel, "Marker", null).DefaultTimeout();

        Assert.Equal($$"""{"channel":"{{channel}}"}""", (await client.AssertNextEventAsync(channel, nameof(Bare))).DataJson());
        await client.AssertNextEventAsync(channel, "Marker");
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task TypedEvent_PassesTheMiddleware_AndHonoursToOthers(WireProtocol protocol)
    {
        var channel = TestChannels.Unique("orders");
        var publisher = await Server.ConnectAsync(protocol: protocol);
        var other = await Server.ConnectAsync(protocol: protocol);
        await publisher.SubscribeAsync(channel);
        await other.SubscribeAsync(channel);

        await Server.Broadcaster.PublishAsync(new Named(channel, "drop-me")).DefaultTimeout();
        await Server.Broadcaster.PublishAsync(new Named(channel, "rename-me"), toOthers: publisher.ConnectionId).DefaultTimeout();
        await Server.Broadcaster.PublishAsync(new Named(channel, "Marker")).DefaultTimeout();

        await other.AssertNextEventAsync(channel, "renamed");
        await other.AssertNextEventAsync(channel, "Marker");
        await publisher.AssertNextEventAsync(channel, "Marker");
    }

    [Fact]
    public async Task TypedEvent_WithOneInvalidChannelOrName_IsRefusedBeforeAnythingIsSent()
    {
        var channel = TestChannels.Unique();
        var client = await Server.ConnectAsync();
        await client.SubscribeAsync(channel);

        var badChannel = await Assert.ThrowsAsync<ChannelException>(() => Server.Broadcaster.PublishAsync(new OrderShipped(1, "DHL", [channel, "bad channel"])));
        var noChannel = await Assert.ThrowsAsync<ChannelException>(() => Server.Broadcaster.PublishAsync(new OrderShipped(1, "DHL", [])));
        var badName = await Assert.ThrowsAsync<ChannelException>(() => Server.Broadcaster.PublishAsync(new Named(channel, "member:fake")));
        await Server.Broadcaster.PublishAsync(channel, "Marker", null).DefaultTimeout();

        Assert.Equal(ChannelErrorCodes.InvalidChannel, badChannel.Code);
        Assert.Equal(ChannelErrorCodes.InvalidArgument, noChannel.Code);
        Assert.Equal(ChannelErrorCodes.InvalidArgument, badName.Code);
        await client.AssertNextEventAsync(channel, "Marker");
    }
}
