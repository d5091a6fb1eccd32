using SignalRChannels.Subscriptions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace SignalRChannels.FunctionalTests;

// A server per test: these tests count every connection on the server.
public class DisconnectTests
{
    [Theory]
    [MemberData(nameof(TestMatrix.AllTransports), MemberType = typeof(TestMatrix))]
    public async Task Disconnect_RemovesEverySubscriptionOfTheConnection(HttpTransportType transport)
    {
        await using var server = await ChannelsTestServer.StartAsync();
        var subscriptions = server.Services.GetRequiredService<ConnectionRegistry>();
        var shared = TestChannels.Unique("shared");
        var stays = await server.ConnectAsync();
        var leaves = await server.ConnectAsync(transport);
        await stays.SubscribeAsync(shared);
        var results = await leaves.SubscribeManyAsync([shared, TestChannels.Unique("a"), TestChannels.Unique("b")]);
        Assert.All(results, r => Assert.Null(r.Error));
        var leftId = leaves.ConnectionId;

        Assert.Equal(2, subscriptions.Count);
        Assert.Equal(3, subscriptions.SubscriptionsOf(leftId).Count);

        await leaves.DisposeAsync();

        await Poll.UntilAsync(() => subscriptions.Count == 1, "the closed connection is forgotten");
        Assert.Empty(subscriptions.SubscriptionsOf(leftId));
        Assert.Single(subscriptions.SubscriptionsOf(stays.ConnectionId));

        await server.Broadcaster.PublishAsync(shared, "after", null).DefaultTimeout();
        await stays.AssertNextEventAsync(shared, "after");
    }

    [Fact]
    public async Task Reconnect_GetsANewConnectionWithoutTheOldSubscriptions()
    {
        await using var server = await ChannelsTestServer.StartAsync();
        var subscriptions = server.Services.GetRequiredService<ConnectionRegistry>();
        var channel = TestChannels.Unique();
        var first = await server.ConnectAsync();
        await first.SubscribeAsync(channel);
        await first.DisposeAsync();

        var second = await server.ConnectAsync();
        await Poll.UntilAsync(() => subscriptions.Count == 1, "only the new connection is tracked");

        Assert.Empty(subscriptions.SubscriptionsOf(second.ConnectionId));
    }

    [Fact]
    public async Task Connect_IsTrackedWithNoSubscriptions()
    {
        await using var server = await ChannelsTestServer.StartAsync();
        var subscriptions = server.Services.GetRequiredService<ConnectionRegistry>();

        var client = await server.ConnectAsync();

        // The handshake completes before the server runs OnConnectedAsync, so the count may lag the client.
        await Poll.UntilAsync(() => subscriptions.Count == 1, "the connection is tracked");
        Assert.Empty(subscriptions.SubscriptionsOf(client.ConnectionId));
    }

    [Fact]
    public async Task Unsubscribe_RemovesOnlyThatSubscriptionFromServerState()
    {
        await using var server = await ChannelsTestServer.StartAsync();
        var subscriptions = server.Services.GetRequiredService<ConnectionRegistry>();
        var (a, b) = (TestChannels.Unique("a"), TestChannels.Unique("b"));
        var client = await server.ConnectAsync();
        await client.SubscribeManyAsync([a, b]);

        await client.UnsubscribeAsync(a);

        Assert.Equal([b], subscriptions.SubscriptionsOf(client.ConnectionId).Select(c => c.Value));
    }
}
