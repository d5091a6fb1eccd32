using Microsoft.AspNetCore.SignalR.Client;

namespace SignalRChannels.FunctionalTests.Authorization;

/// <summary>
/// Removing live subscriptions with <see cref="IChannelSubscriptionManager"/>, and the route deciding again on
/// every subscribe afterwards.
/// </summary>
public class RevocationTests(AuthorizationFixture fixture) : IClassFixture<AuthorizationFixture>
{
    private RoomAllowList AllowList => fixture.Service<RoomAllowList>();

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task RemoveUser_SendsRevoked_AndNoFurtherEventOfTheChannels_WhileOtherSubscriptionsKeepWorking(WireProtocol protocol)
    {
        var rooms = new Rooms();
        var (first, second) = (rooms.Allow(AllowList, Users.Alice, Users.Bob), rooms.Allow(AllowList, Users.Alice));
        var kept = TestChannels.Unique("private-account");
        await using var alice = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        await using var aliceElsewhere = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        await using var bob = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Bob.Token);
        await alice.SubscribeManyAsync([first, second, kept]);
        await aliceElsewhere.SubscribeManyAsync([first, kept]);
        await bob.SubscribeAsync(first);

        await fixture.SubscriptionManager.RemoveUserAsync(Users.Alice.Id, rooms.Pattern).DefaultTimeout();

        await AssertRevokedAsync(alice, first, second);
        await AssertRevokedAsync(aliceElsewhere, first);
        await fixture.Server.Broadcaster.PublishAsync(first, "Leak", null).DefaultTimeout();
        await fixture.Server.Broadcaster.PublishAsync(second, "Leak", null).DefaultTimeout();
        await fixture.Server.Broadcaster.PublishAsync(kept, "StillWorks", null).DefaultTimeout();
        await alice.AssertNextEventAsync(kept, "StillWorks");
        await aliceElsewhere.AssertNextEventAsync(kept, "StillWorks");
        await bob.AssertNextEventAsync(first, "Leak");
        Assert.Equal([kept], fixture.Subscriptions.SubscriptionsOf(alice.ConnectionId).Select(c => c.Value));
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task RemoveConnection_RevokesOnlyThatConnection(WireProtocol protocol)
    {
        var rooms = new Rooms();
        var room = rooms.Allow(AllowList, Users.Alice);
        var marker = TestChannels.Unique("marker");
        await using var revoked = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        await using var sameUser = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        await revoked.SubscribeManyAsync([room, marker]);
        await sameUser.SubscribeAsync(room);

        await fixture.SubscriptionManager.RemoveConnectionAsync(revoked.ConnectionId, rooms.Pattern).DefaultTimeout();

        await AssertRevokedAsync(revoked, room);
        await fixture.Server.Broadcaster.PublishAsync(room, "AfterRevoke", null).DefaultTimeout();
        await fixture.Server.Broadcaster.PublishAsync(marker, "Marker", null).DefaultTimeout();
        await revoked.AssertNextEventAsync(marker, "Marker");
        await sameUser.AssertNextEventAsync(room, "AfterRevoke");
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task RemoveUser_FromPresence_RaisesMemberLeftAtTheOthers_AndEndsWhispers(WireProtocol protocol)
    {
        var channel = TestChannels.Unique("presence-chat");
        await using var alice = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        await using var bob = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Bob.Token);
        await bob.SubscribeAsync(channel);
        await alice.SubscribeAsync(channel);
        await bob.AssertNextEventAsync(channel, "member:joined");

        await fixture.SubscriptionManager.RemoveUserAsync(Users.Alice.Id, channel).DefaultTimeout();

        await AssertRevokedAsync(alice, channel);
        var left = WireData.ToNode((await bob.AssertNextEventAsync(channel, "member:left")).Data)!;
        Assert.Equal(AuthorizationTestApp.MemberIdOf(Users.Alice), (string?)left["id"]);
        Assert.Equal("left", (string?)left["reason"]);
        await HubErrors.AssertCodeAsync(ChannelErrorCodes.NotSubscribed, () => alice.WhisperAsync(channel, "typing", null));
        await HubErrors.AssertCodeAsync(ChannelErrorCodes.NotSubscribed, () => alice.Connection.InvokeCoreAsync("GetMembers", [channel]));
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task Resubscribe_AfterTheAllowListDropsTheUser_IsForbidden_AndAllowedAgainWhenRestored(WireProtocol protocol)
    {
        var rooms = new Rooms();
        var room = rooms.Allow(AllowList, Users.Alice);
        var marker = TestChannels.Unique("marker");
        await using var alice = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        await alice.SubscribeManyAsync([room, marker]);

        AllowList.Remove(rooms.IdOf(room), Users.Alice.Id);
        await fixture.SubscriptionManager.RemoveUserAsync(Users.Alice.Id, room).DefaultTimeout();
        await AssertRevokedAsync(alice, room);

        await HubErrors.AssertCodeAsync(ChannelErrorCodes.Forbidden, () => alice.SubscribeAsync(room));
        await using (var reconnected = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token))
        {
            await HubErrors.AssertCodeAsync(ChannelErrorCodes.Forbidden, () => reconnected.SubscribeAsync(room));
        }

        await fixture.Server.Broadcaster.PublishAsync(room, "Leak", null).DefaultTimeout();
        await fixture.Server.Broadcaster.PublishAsync(marker, "Marker", null).DefaultTimeout();
        await alice.AssertNextEventAsync(marker, "Marker");

        AllowList.Allow(rooms.IdOf(room), Users.Alice.Id);
        await alice.SubscribeAsync(room);
        await fixture.Server.Broadcaster.PublishAsync(room, "Welcome", null).DefaultTimeout();
        await alice.AssertNextEventAsync(room, "Welcome");
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task Resubscribe_OnTheSameConnection_AfterTheAllowListDropsTheUser_IsForbidden_AndNoEventOfTheChannelFollows(WireProtocol protocol)
    {
        // A client resubscribes on a live connection (for example to recover after a gap) after its access was
        // withdrawn, without a revocation. The answer is forbidden, so, as for every denial, the channel must go quiet.
        var rooms = new Rooms();
        var room = rooms.Allow(AllowList, Users.Alice);
        var marker = TestChannels.Unique("marker");
        await using var alice = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        await alice.SubscribeManyAsync([room, marker]);
        AllowList.Remove(rooms.IdOf(room), Users.Alice.Id);

        await HubErrors.AssertCodeAsync(ChannelErrorCodes.Forbidden, () => alice.SubscribeAsync(room));

        await fixture.Server.Broadcaster.PublishAsync(room, "Leak", null).DefaultTimeout();
        await fixture.Server.Broadcaster.PublishAsync(marker, "Marker", null).DefaultTimeout();
        await alice.AssertNextEventAsync(marker, "Marker");
        Assert.False(fixture.IsSubscribed(alice, room), "the server still holds the subscription it just refused");
    }

    [Fact]
    public async Task Revoke_WithAMalformedPattern_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.SubscriptionManager.RemoveUserAsync(Users.Alice.Id, "private-rooms.{"));
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.SubscriptionManager.RemoveConnectionAsync("connection", "a**"));
    }

    internal static async Task AssertRevokedAsync(ChannelsTestClient client, params string[] channels)
    {
        var revoked = new List<string>();
        foreach (var _ in channels)
        {
            var received = await client.NextEventAsync();
            Assert.True(received.Event == "channel:unsubscribed", $"Expected channel:unsubscribed, but received {received}.");
            Assert.Equal("""{"reason":"revoked"}""", received.DataJson());
            revoked.Add(received.Channel!);
        }

        Assert.Equal(channels.Order(), revoked.Order());
    }

    /// <summary>Rooms of one test, under a prefix of their own so a pattern reaches them and nothing else.</summary>
    private sealed class Rooms
    {
        private readonly string _prefix = "r" + Guid.NewGuid().ToString("N")[..12];
        private int _count;

        public string Pattern => $"private-rooms.{_prefix}*";

        public string Allow(RoomAllowList allowList, params TestUser[] users)
        {
            var roomId = $"{_prefix}n{Interlocked.Increment(ref _count)}";
            foreach (var user in users)
            {
                allowList.Allow(roomId, user.Id);
            }

            return $"private-rooms.{roomId}";
        }

        public string IdOf(string channel) => channel["private-rooms.".Length..];
    }
}
