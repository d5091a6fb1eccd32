using Microsoft.Extensions.DependencyInjection;

namespace SignalRChannels.FunctionalTests.Authorization;

/// <summary>Revocation called on one node reaches the connections on another, through real Redis.</summary>
public class CrossNodeRevocationTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task RemoveUserOnNodeA_RevokesTheUsersConnectionsOnBothNodes(WireProtocol protocol)
    {
        var prefix = RedisFixture.NewPrefix();
        await using var nodeA = await StartNodeAsync(prefix);
        await using var nodeB = await StartNodeAsync(prefix);
        var kept = TestChannels.Unique("private-account");
        var onB = await nodeB.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        var onA = await nodeA.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        var bobOnB = await nodeB.ConnectAsync(protocol: protocol, accessToken: Users.Bob.Token);
        await onB.SubscribeManyAsync(["private-users.7", "private-orders.1", kept]);
        await onA.SubscribeAsync("private-users.7");
        await bobOnB.SubscribeAsync("private-users.8");

        await nodeA.Services.GetRequiredService<IChannelSubscriptionManager>().RemoveUserAsync(Users.Alice.Id, "private-users.*").DefaultTimeout();

        await RevocationTests.AssertRevokedAsync(onB, "private-users.7");
        await RevocationTests.AssertRevokedAsync(onA, "private-users.7");

        // Events of different channels cross Redis on different pub/sub channels, in no guaranteed order, so a later
        // event of another channel proves nothing about the revoked one. A connection that subscribed after the
        // revocation (a revocation is not a ban) witnesses that node B has fanned the leak out to its local
        // subscribers: had the revoked connection still been one, the leak would be queued to it before anything
        // published afterwards.
        var witnessOnB = await nodeB.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        await witnessOnB.SubscribeAsync("private-users.7");
        await nodeA.Broadcaster.PublishAsync("private-users.7", "Leak", null).DefaultTimeout();
        await witnessOnB.AssertNextEventAsync("private-users.7", "Leak");
        await nodeA.Broadcaster.PublishAsync("private-users.8", "ForBob", null).DefaultTimeout();
        await nodeA.Broadcaster.PublishAsync("private-orders.1", "StillWorks", null).DefaultTimeout();
        await nodeA.Broadcaster.PublishAsync(kept, "StillWorks", null).DefaultTimeout();
        await AssertNextEventsInAnyOrderAsync(onB, ("private-orders.1", "StillWorks"), (kept, "StillWorks"));
        await bobOnB.AssertNextEventAsync("private-users.8", "ForBob");
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task RemoveConnectionOnNodeA_RevokesAConnectionOnNodeB(WireProtocol protocol)
    {
        var prefix = RedisFixture.NewPrefix();
        await using var nodeA = await StartNodeAsync(prefix);
        await using var nodeB = await StartNodeAsync(prefix);
        var marker = TestChannels.Unique("marker");
        var revoked = await nodeB.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        var sameUser = await nodeB.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        await revoked.SubscribeManyAsync(["private-users.7", marker]);
        await sameUser.SubscribeAsync("private-users.7");

        await nodeA.Services.GetRequiredService<IChannelSubscriptionManager>().RemoveConnectionAsync(revoked.ConnectionId, "*").DefaultTimeout();

        await RevocationTests.AssertRevokedAsync(revoked, "private-users.7", marker);
        await nodeA.Broadcaster.PublishAsync("private-users.7", "AfterRevoke", null).DefaultTimeout();
        await sameUser.AssertNextEventAsync("private-users.7", "AfterRevoke");
        await revoked.SubscribeAsync(marker);
        await nodeA.Broadcaster.PublishAsync(marker, "Marker", null).DefaultTimeout();
        await revoked.AssertNextEventAsync(marker, "Marker");
    }

    private static async Task AssertNextEventsInAnyOrderAsync(ChannelsTestClient client, params (string Channel, string Event)[] expected)
    {
        var received = new List<(string?, string?)>();
        foreach (var _ in expected)
        {
            var next = await client.NextEventAsync();
            received.Add((next.Channel, next.Event));
        }

        Assert.Equal(expected.Select(e => ((string?)e.Channel, (string?)e.Event)).Order(), received.Order());
    }

    private Task<ChannelsTestServer> StartNodeAsync(string prefix) =>
        ChannelsTestServer.StartAsync(AuthorizationTestApp.Options(new TestLoggerProvider(), redis: redis.Configuration, redisPrefix: prefix));
}
