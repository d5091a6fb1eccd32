using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SignalRChannels.FunctionalTests.Authorization;

namespace SignalRChannels.FunctionalTests.Pipeline;

/// <summary>Subscriber-side event filters on one node: what crosses the wire, reserved events, refreshes, history.</summary>
public class EventFilterTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private static readonly object Wanted = new { events = new[] { "OrderShipped", "Marker" } };

    private ChannelsTestServer Server => fixture.Server;

    private SignalRChannels.Pipeline.FilterInterest Interest => Server.Services.GetRequiredService<SignalRChannels.Pipeline.FilterInterest>();

    [Fact]
    public async Task FilteredSubscription_UnwantedEventsNeverCrossTheWire_CountedInRawFrames()
    {
        var channel = TestChannels.Unique();
        await using var raw = await RawJsonHubClient.ConnectAsync(Server.HubUrl, Users.Alice.Token);
        var witness = await Server.ConnectAsync();
        await raw.InvokeAsync("Subscribe", channel, Wanted);
        await witness.SubscribeAsync(channel);

        for (var i = 0; i < 5; i++)
        {
            await Server.Broadcaster.PublishAsync(channel, "OrderPlaced", new { i }).DefaultTimeout();
        }

        await Server.Broadcaster.PublishAsync(channel, "OrderShipped", new { orderId = 1 }).DefaultTimeout();
        await Server.Broadcaster.PublishAsync(channel, "Marker", null).DefaultTimeout();

        Assert.Equal("OrderShipped", (await raw.NextEventAsync()).GetProperty("event").GetString());
        Assert.Equal("Marker", (await raw.NextEventAsync()).GetProperty("event").GetString());
        Assert.Equal(0, raw.QueuedEvents);
        for (var i = 0; i < 5; i++)
        {
            await witness.AssertNextEventAsync(channel, "OrderPlaced");
        }

        await witness.AssertNextEventAsync(channel, "OrderShipped");
        await witness.AssertNextEventAsync(channel, "Marker");
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task FilteredSubscription_ReceivesListedEventsAndReservedOnes_OnlyThose(WireProtocol protocol)
    {
        var channel = TestChannels.Unique("presence-vip");
        var alice = await Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        var bob = await Server.ConnectAsync(protocol: protocol, accessToken: Users.Bob.Token);
        await bob.SubscribeAsync(channel, new { events = new[] { "OrderShipped", "client-wave" } });
        await alice.SubscribeAsync(channel);

        await alice.WhisperAsync(channel, "typing", null);
        await alice.WhisperAsync(channel, "wave", null);
        await Server.Broadcaster.PublishAsync(channel, "OrderPlaced", null).DefaultTimeout();
        await Server.Broadcaster.PublishAsync(channel, "OrderShipped", null).DefaultTimeout();
        await alice.UnsubscribeAsync(channel);

        await bob.AssertNextEventAsync(channel, EventNames.MemberJoined);
        await bob.AssertNextEventAsync(channel, "client-wave");
        await bob.AssertNextEventAsync(channel, "OrderShipped");
        await bob.AssertNextEventAsync(channel, EventNames.MemberLeft);
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task Resubscribe_WithAnotherFilterOrNone_SwitchesWhatArrives(WireProtocol protocol)
    {
        var channel = TestChannels.Unique();
        var client = await Server.ConnectAsync(protocol: protocol);
        await client.SubscribeAsync(channel, new { events = new[] { "A" } });
        await PublishAsync(channel, "B", "A");
        await client.SubscribeAsync(channel, new { events = new[] { "B" } });
        await PublishAsync(channel, "A", "B");
        await client.SubscribeAsync(channel);
        await PublishAsync(channel, "A", "B");

        await client.AssertNextEventAsync(channel, "A");
        await client.AssertNextEventAsync(channel, "B");
        await client.AssertNextEventAsync(channel, "A");
        await client.AssertNextEventAsync(channel, "B");
        Assert.True(Interest.FiltersOf(ChannelName.Parse(channel)).IsEmpty);
    }

    [Fact]
    public async Task FilterInterest_IsWithdrawn_WhenTheLastFilteredSubscriptionEnds()
    {
        var channel = TestChannels.Unique();
        var name = ChannelName.Parse(channel);
        var first = await Server.ConnectAsync();
        var second = await Server.ConnectAsync();
        await first.SubscribeAsync(channel, new { events = new[] { "A" } });
        await second.SubscribeAsync(channel, new { events = new[] { "A" } });

        Assert.Single(Interest.FiltersOf(name));
        await first.UnsubscribeAsync(channel);
        Assert.Single(Interest.FiltersOf(name));
        await second.DisposeAsync();
        await Poll.UntilAsync(() => Interest.FiltersOf(name).IsEmpty, "the disconnected subscription's filter is withdrawn");
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task FilteredSubscription_OnHistoryChannel_GetsPrevOffset_UnfilteredDoesNot(WireProtocol protocol)
    {
        var channel = TestChannels.Unique("history-pipe");
        var filtered = await Server.ConnectAsync(protocol: protocol);
        var unfiltered = await Server.ConnectAsync(protocol: protocol);
        await filtered.SubscribeAsync(channel, new { events = new[] { "A" } });
        await unfiltered.SubscribeAsync(channel);

        await PublishAsync(channel, "A", "B", "B", "A");

        var first = await filtered.AssertNextEventAsync(channel, "A");
        var second = await filtered.AssertNextEventAsync(channel, "A");
        Assert.Equal((1L, 0L), (first.Offset, first.PrevOffset));
        Assert.Equal((4L, 1L), (second.Offset, second.PrevOffset));
        Assert.Null((await unfiltered.AssertNextEventAsync(channel, "A")).PrevOffset);
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task FilteredRecoveryAndHistory_ReturnOnlyMatchingEvents_ChainedByPrevOffset(WireProtocol protocol)
    {
        var channel = TestChannels.Unique("history-pipe");
        var client = await Server.ConnectAsync(protocol: protocol);
        var start = await client.SubscribeAsync(channel, new { events = new[] { "A" } });
        await client.UnsubscribeAsync(channel);
        await PublishAsync(channel, "A", "B", "A", "B", "B", "A");

        var resumed = await client.SubscribeAsync(channel, new { events = new[] { "A" }, since = new { offset = 1L, epoch = start.Position!.Epoch } });
        var history = await client.Connection.InvokeCoreAsync<ReceivedHistory>(
            "GetHistory", [channel, new { since = new { offset = 0L, epoch = start.Position.Epoch }, limit = (int?)null, reverse = (bool?)null }]).DefaultTimeout();
        var newest = await client.Connection.InvokeCoreAsync<ReceivedHistory>(
            "GetHistory", [channel, new { since = (object?)null, limit = 2, reverse = true }]).DefaultTimeout();

        Assert.True(resumed.Recovered);
        Assert.Equal([(3L, 1L), (6L, 3L)], resumed.Missed!.Select(e => (e.Offset!.Value, e.PrevOffset!.Value)));
        Assert.Equal([(1L, 0L), (3L, 1L), (6L, 3L)], history.Events!.Select(e => (e.Offset!.Value, e.PrevOffset!.Value)));
        Assert.Equal([6L, 3L], newest.Events!.Select(e => e.Offset!.Value));
    }

    private async Task PublishAsync(string channel, params string[] events)
    {
        foreach (var name in events)
        {
            await Server.Broadcaster.PublishAsync(channel, name, null).DefaultTimeout();
        }
    }
}
