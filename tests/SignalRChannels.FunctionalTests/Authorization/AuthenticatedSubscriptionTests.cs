using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Connections;

namespace SignalRChannels.FunctionalTests.Authorization;

/// <summary>
/// Private and presence subscriptions over real Kestrel, real ASP.NET Core authentication and the official .NET
/// client (the token travels through <c>AccessTokenProvider</c>): allowed exactly when the route says so, with
/// presence members that only the server's callback defines.
/// </summary>
public class AuthenticatedSubscriptionTests(AuthorizationFixture fixture) : IClassFixture<AuthorizationFixture>
{
    private static readonly Guid s_project = Guid.NewGuid();

    /// <summary>Each route, from both sides: who it lets in and who it keeps out.</summary>
    public static TheoryData<string, string, bool, WireProtocol> RouteDecisions
    {
        get
        {
            var rows = new (string User, string Channel, bool Allowed)[]
            {
                ("Alice", "private-account.settings", true),
                ("anonymous", "private-account.settings", false),
                ("Alice", "private-users.7", true),
                ("Bob", "private-users.8", true),
                ("Alice", "private-users.8", false),
                ("Bob", "private-users.7", false),
                ("Alice", "private-orders.1", true),
                ("Bob", "private-orders.2", true),
                ("Bob", "private-orders.1", false),
                ("Alice", $"private-projects.{s_project}", true),
                ("Bob", $"private-projects.{s_project}", false),
                ("Alice", "private-async.1", true),
                ("Alice", "private-async.2", false),
                ("Admin", "private-admin.reports", true),
                ("Alice", "private-admin.reports", false),
                ("Alice", "presence-chat.lobby", true),
                ("anonymous", "presence-chat.lobby", false),
                ("Alice", "presence-vroom.open-lobby", true),
                ("Alice", "presence-vroom.shut-lobby", false),
                ("Admin", "presence-staff.room", true),
                ("Bob", "presence-staff.room", false),
            };
            var data = new TheoryData<string, string, bool, WireProtocol>();
            foreach (var (user, channel, allowed) in rows)
            {
                foreach (var protocol in TestMatrix.Protocols)
                {
                    data.Add(user, channel, allowed, protocol);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(RouteDecisions))]
    public async Task Subscribe_IsAllowedExactlyWhenTheRouteSaysSo(string user, string channel, bool allowed, WireProtocol protocol)
    {
        fixture.Service<ProjectMembers>().Add(s_project, Users.Alice.Id);
        await using var client = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: TokenOf(user));
        var marker = TestChannels.Unique("marker");
        await client.SubscribeAsync(marker);

        if (allowed)
        {
            var result = await client.SubscribeAsync(channel);
            Assert.Equal(channel, result.Channel);
            Assert.Null(result.Error);
            Assert.Equal(channel.StartsWith("presence-", StringComparison.Ordinal), result.Members is not null);
        }
        else
        {
            await HubErrors.AssertCodeAsync(ChannelErrorCodes.Forbidden, () => client.SubscribeAsync(channel));
        }

        await fixture.Server.Broadcaster.PublishAsync(channel, "OrderShipped", new { to = user }).DefaultTimeout();
        await fixture.Server.Broadcaster.PublishAsync(marker, "Marker", null).DefaultTimeout();
        if (allowed)
        {
            // Events from presence peers of earlier rows may come first; skip member events of the channel.
            var received = await NextAppEventAsync(client);
            Assert.Equal((channel, "OrderShipped"), (received.Channel, received.Event));
        }

        await client.AssertNextEventAsync(marker, "Marker");
    }

    [Theory]
    [MemberData(nameof(TestMatrix.SupportedTransportsAndProtocols), MemberType = typeof(TestMatrix))]
    public async Task AccessToken_ReachesAuthorization_OnEveryTransport(HttpTransportType transport, WireProtocol protocol)
    {
        await using var alice = await fixture.Server.ConnectAsync(transport, protocol, Users.Alice.Token);
        await using var anonymous = await fixture.Server.ConnectAsync(transport, protocol);

        await alice.SubscribeAsync("private-users.7");
        await HubErrors.AssertCodeAsync(ChannelErrorCodes.Forbidden, () => alice.SubscribeAsync("private-users.8"));
        await HubErrors.AssertCodeAsync(ChannelErrorCodes.Forbidden, () => anonymous.SubscribeAsync("private-users.7"));

        await fixture.Server.Broadcaster.PublishAsync("private-users.7", "Hello", null).DefaultTimeout();
        await alice.AssertNextEventAsync("private-users.7", "Hello");
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task PresenceSubscribe_ReturnsTheMemberTheServerCallbackChose(WireProtocol protocol)
    {
        var channel = TestChannels.Unique("presence-chat");
        var roomId = channel["presence-chat.".Length..];
        await using var alice = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);

        var result = await alice.SubscribeAsync(channel);

        var member = Assert.Single(MembersOf(result))!;
        Assert.Equal(
            $$$"""{"id":"member-7","info":{"name":"Alice","room":"{{{roomId}}}"}}""",
            member.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task PresenceSubscribe_IgnoresAMemberTheClientProposes(WireProtocol protocol)
    {
        var channel = TestChannels.Unique("presence-chat");
        await using var bob = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Bob.Token);

        // The protocol has no member argument; whatever the client adds to the options cannot become one.
        var result = await bob.SubscribeAsync(channel, new { since = (object?)null, events = (string[]?)null, id = "member-1", member = new { id = "member-1", info = "admin" } });

        var member = Assert.Single(MembersOf(result))!;
        Assert.Equal("member-8", (string?)member["id"]);
        Assert.Equal("Bob", (string?)member["info"]!["name"]);
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task PresenceJoin_OfASecondUser_RaisesMemberJoinedAtTheFirst_AndNotAtTheJoiner(WireProtocol protocol)
    {
        var channel = TestChannels.Unique("presence-chat");
        var marker = TestChannels.Unique("marker");
        await using var alice = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        await using var bob = await fixture.Server.ConnectAsync(HttpTransportType.LongPolling, protocol, Users.Bob.Token);
        await alice.SubscribeAsync(channel);
        await bob.SubscribeAsync(marker);

        var result = await bob.SubscribeAsync(channel);

        Assert.Equal(["member-7", "member-8"], MembersOf(result).Select(m => (string?)m!["id"]).Order());
        var joined = await alice.AssertNextEventAsync(channel, "member:joined");
        Assert.Equal(
            $$$"""{"id":"member-8","info":{"name":"Bob","room":"{{{channel["presence-chat.".Length..]}}}"}}""",
            joined.DataJson());
        Assert.Null(joined.From);
        await fixture.Server.Broadcaster.PublishAsync(marker, "Marker", null).DefaultTimeout();
        await bob.AssertNextEventAsync(marker, "Marker");
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task PresenceUnsubscribe_RaisesMemberLeftWithReasonLeft(WireProtocol protocol)
    {
        var channel = TestChannels.Unique("presence-chat");
        await using var alice = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        await using var bob = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Bob.Token);
        await alice.SubscribeAsync(channel);
        await bob.SubscribeAsync(channel);
        await alice.AssertNextEventAsync(channel, "member:joined");

        await bob.UnsubscribeAsync(channel);

        var left = await alice.AssertNextEventAsync(channel, "member:left");
        var data = WireData.ToNode(left.Data)!;
        Assert.Equal("member-8", (string?)data["id"]);
        Assert.Equal("Bob", (string?)data["info"]!["name"]);
        Assert.Equal("left", (string?)data["reason"]);
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task PresenceDisconnect_RaisesMemberLeftWithReasonDisconnected(WireProtocol protocol)
    {
        var channel = TestChannels.Unique("presence-chat");
        await using var alice = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        var bob = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Bob.Token);
        await alice.SubscribeAsync(channel);
        await bob.SubscribeAsync(channel);
        await alice.AssertNextEventAsync(channel, "member:joined");

        await bob.DisposeAsync();

        var left = await alice.AssertNextEventAsync(channel, "member:left");
        var data = WireData.ToNode(left.Data)!;
        Assert.Equal("member-8", (string?)data["id"]);
        Assert.Equal("disconnected", (string?)data["reason"]);
    }

    private static string? TokenOf(string user) => user switch
    {
        "Alice" => Users.Alice.Token,
        "Bob" => Users.Bob.Token,
        "Admin" => Users.Admin.Token,
        _ => null,
    };

    private static JsonArray MembersOf(ReceivedSubscribeResult result) =>
        Assert.IsType<JsonArray>(WireData.ToNode(result.Members));

    private static async Task<ReceivedEvent> NextAppEventAsync(ChannelsTestClient client)
    {
        while (true)
        {
            var received = await client.NextEventAsync();
            if (received.Event?.StartsWith("member:", StringComparison.Ordinal) != true)
            {
                return received;
            }
        }
    }
}
