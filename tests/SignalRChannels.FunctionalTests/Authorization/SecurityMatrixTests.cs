using Microsoft.AspNetCore.SignalR.Client;

namespace SignalRChannels.FunctionalTests.Authorization;

/// <summary>
/// The security matrix of issue #3: every way in that must stay shut fails with its exact code, leaks nothing
/// in the message, and not one event of the channel reaches the denied connection afterwards: the test publishes
/// to the channel (and to the allowed channel it imitates), then a marker the client may see, and the marker must
/// be the next event. Whisper denials also show that no peer on the channel receives the client event.
/// </summary>
public class SecurityMatrixTests(AuthorizationFixture fixture) : IClassFixture<AuthorizationFixture>
{
    private static readonly Dictionary<string, SecurityCase> s_cases = BuildCases();

    public static TheoryData<string, WireProtocol> Cases => TestMatrix.WithEveryProtocol(s_cases.Keys);

    [Fact]
    public void Cases_AreAtLeastForty() => Assert.True(s_cases.Count >= 40, $"{s_cases.Count} cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Denial_FailsWithItsExactCode_AndNoEventOfTheChannelReachesTheConnection(string name, WireProtocol protocol)
    {
        var securityCase = s_cases[name];
        var context = new CaseContext(fixture, protocol, TestChannels.Unique("marker"));
        context.Client = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: securityCase.Token);
        await context.Client.SubscribeAsync(context.Marker);
        if (securityCase.Arrange is not null)
        {
            await securityCase.Arrange(context);
        }


        try
        {
            var error = await HubErrors.AssertCodeAsync(securityCase.Code, () => securityCase.Act(context));

            Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
            foreach (var channel in securityCase.Watched.Where(IsValidName))
            {
                Assert.False(fixture.IsSubscribed(context.Client, channel), $"the server holds a subscription to {channel}");
                await fixture.Server.Broadcaster.PublishAsync(channel, "Leak", new { secret = true }).DefaultTimeout();
            }

            await fixture.Server.Broadcaster.PublishAsync(context.Marker, "Marker", name).DefaultTimeout();
            await context.Client.AssertNextEventAsync(context.Marker, "Marker");
            if (context.Peer is { } peer)
            {
                await peer.AssertNextEventAsync(context.Marker, "Marker");
            }
        }
        finally
        {
            // Both protocol runs of a case use its channels; nobody from the first run may linger in the second.
            await context.Client.DisposeAsync();
            if (context.Peer is not null)
            {
                await context.Peer.DisposeAsync();
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task SubscribeMany_DeniedEntriesCarryTheirCodes_AndLeakNothing_WhileAllowedOnesWork(WireProtocol protocol)
    {
        var marker = TestChannels.Unique("marker");
        string[] channels = [marker, "private-users.8", "Private-users.7", "private-boom.many", "presence-closed.many", "private-users.7", "presence-chat.many"];
        await using var alice = await fixture.Server.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);

        var results = await alice.SubscribeManyAsync(channels);

        Assert.Equal(channels, results.Select(r => r.Channel));
        Assert.Equal(
            [null, "forbidden", "invalid_channel", "forbidden", "forbidden", null, null],
            results.Select(r => r.Error?.Split(':')[0]));
        Assert.All(results, r => Assert.DoesNotContain("hunter2", r.Error ?? string.Empty, StringComparison.Ordinal));
        foreach (var denied in new[] { "private-users.8", "private-boom.many", "presence-closed.many" })
        {
            await fixture.Server.Broadcaster.PublishAsync(denied, "Leak", null).DefaultTimeout();
        }

        await fixture.Server.Broadcaster.PublishAsync("private-users.7", "Allowed", null).DefaultTimeout();
        await fixture.Server.Broadcaster.PublishAsync(marker, "Marker", null).DefaultTimeout();
        await alice.AssertNextEventAsync("private-users.7", "Allowed");
        await alice.AssertNextEventAsync(marker, "Marker");
    }

    private static bool IsValidName(string channel) => ChannelName.TryParse(channel, ChannelName.DefaultMaxLength, out _, out _);

    private static Dictionary<string, SecurityCase> BuildCases()
    {
        const string Forbidden = ChannelErrorCodes.Forbidden;
        const string InvalidChannel = ChannelErrorCodes.InvalidChannel;
        const string InvalidArgument = ChannelErrorCodes.InvalidArgument;
        const string NotSubscribed = ChannelErrorCodes.NotSubscribed;
        const string NotPresence = ChannelErrorCodes.NotPresence;
        const string WhisperDisabled = ChannelErrorCodes.WhisperDisabled;
        var alice = Users.Alice.Token;
        var cases = new Dictionary<string, SecurityCase>();

        // A denied subscribe: the channel asked for is watched, and so is every allowed channel it imitates.
        void Subscribe(string name, string code, string? token, string channel, params string[] imitates) =>
            cases.Add(name, new SecurityCase(code, token, c => c.Client.SubscribeAsync(channel), [channel, .. imitates]));

        // A denied whisper: a peer subscribed to the channel must not receive it.
        void Whisper(string name, string code, string channel, string eventName, object? data, Func<CaseContext, Task>? arrange = null) =>
            cases.Add(name, new SecurityCase(
                code,
                alice,
                c => c.Client.WhisperAsync(channel, eventName, data),
                [],
                async c =>
                {
                    if (IsValidName(channel))
                    {
                        await c.ConnectPeerAsync(Users.Bob, channel);
                    }

                    if (arrange is not null)
                    {
                        await arrange(c);
                    }
                }));

        // Who: anonymous users and the wrong user.
        Subscribe("anonymous, private route for authenticated users", Forbidden, null, "private-account.settings");
        Subscribe("malformed token (authentication fails), private route for authenticated users", Forbidden, Users.MalformedToken, "private-account.settings");
        Subscribe("anonymous, presence route for authenticated users", Forbidden, null, "presence-chat.lobby");
        Subscribe("anonymous, private route by user id", Forbidden, null, "private-users.7");
        Subscribe("user 7 asks for user 8", Forbidden, alice, "private-users.8");
        Subscribe("user 7 asks for an order of user 8 (DI service)", Forbidden, alice, "private-orders.2");
        Subscribe("anonymous asks for an order", Forbidden, null, "private-orders.1");
        Subscribe("user 7 asks for a project they are not in (DI service)", Forbidden, alice, $"private-projects.{Guid.NewGuid()}");
        Subscribe("user 7 asks for a room the allow-list does not name", Forbidden, alice, TestChannels.Unique("private-rooms"));

        // Route parameters that do not convert.
        Subscribe("long parameter given letters", Forbidden, alice, "private-orders.abc", "private-orders.1");
        Subscribe("long parameter overflows", Forbidden, alice, "private-orders.99999999999999999999", "private-orders.1");
        Subscribe("int parameter overflows", Forbidden, alice, "private-users.2147483648", "private-users.7");
        Subscribe("int parameter with a trailing character", Forbidden, alice, "private-users.7x", "private-users.7");
        Subscribe("int parameter with a decimal point", Forbidden, alice, "private-users.7,0", "private-users.7");
        Subscribe("Guid parameter that is no Guid", Forbidden, alice, "private-projects.not-a-guid");

        // Names one step away from an allowed one.
        Subscribe("literal one character short", Forbidden, alice, "private-order.1", "private-orders.1");
        Subscribe("literal in another letter case", Forbidden, alice, "private-Orders.1", "private-orders.1");
        Subscribe("an extra segment after the parameter", Forbidden, alice, "private-orders.1.2", "private-orders.1");
        Subscribe("an empty parameter", Forbidden, alice, "private-orders.", "private-orders.1");
        Subscribe("the route's pattern as a name", InvalidChannel, alice, "private-orders.{orderId}", "private-orders.1");
        Subscribe("a wildcard as a name", InvalidChannel, alice, "private-orders.*", "private-orders.1");

        // Kinds: prefixes in another case, empty rests, a route of one kind used for the other.
        Subscribe("Private- prefix", InvalidChannel, alice, "Private-orders.1", "private-orders.1", "orders.1");
        Subscribe("PRIVATE- prefix", InvalidChannel, alice, "PRIVATE-orders.1", "private-orders.1", "orders.1");
        Subscribe("Presence- prefix", InvalidChannel, alice, "Presence-chat.lobby", "presence-chat.lobby", "chat.lobby");
        Subscribe("private- with nothing after", InvalidChannel, alice, "private-");
        Subscribe("presence- with nothing after", InvalidChannel, alice, "presence-");
        Subscribe("private route on a presence channel", Forbidden, alice, "presence-orders.1", "private-orders.1");
        Subscribe("presence route on a private channel", Forbidden, alice, "private-chat.lobby", "presence-chat.lobby");

        // Length and character set.
        Subscribe("201 characters", InvalidChannel, alice, "private-users.7" + new string('0', 186), "private-users.7");
        Subscribe("presence name of 201 characters", InvalidChannel, alice, "presence-chat." + new string('a', 187));
        Subscribe("trailing space", InvalidChannel, alice, "private-orders.1 ", "private-orders.1");
        Subscribe("slash", InvalidChannel, alice, "private-orders.1/2", "private-orders.1");
        Subscribe("NUL", InvalidChannel, alice, "private-orders.1\0", "private-orders.1");
        Subscribe("percent-encoded digit", InvalidChannel, alice, "private-orders.%31", "private-orders.1");
        Subscribe("full-width digit", InvalidChannel, alice, "private-users.\uFF17", "private-users.7");
        Subscribe("Cyrillic letter that looks Latin", InvalidChannel, alice, "private-\u043Erders.1", "private-orders.1");

        // Callbacks and policies that deny.
        Subscribe("callback throws", Forbidden, alice, "private-boom.1");
        Subscribe("private callback returns false", Forbidden, alice, "private-never.1");
        Subscribe("presence callback returns null", Forbidden, alice, "presence-closed.1");
        Subscribe("async private callback (Task<bool>) returns false", Forbidden, alice, "private-async.2");
        Subscribe("async presence callback (ValueTask<PresenceMember?>) returns null", Forbidden, alice, "presence-vroom.shut");
        Subscribe("policy fails for a user without the role", Forbidden, alice, "private-admin.reports");
        Subscribe("policy fails for an anonymous user", Forbidden, null, "private-admin.reports");
        Subscribe("policy before a presence callback fails", Forbidden, alice, "presence-staff.room");

        // Other ways at a channel's data without a subscription.
        cases.Add("recovery from history on a denied channel", new SecurityCase(
            Forbidden,
            alice,
            c => c.Client.SubscribeAsync("private-orders.2", new { since = new { offset = 0L, epoch = (string?)null }, events = (string[]?)null }),
            ["private-orders.2"],
            c => c.Fixture.Server.Broadcaster.PublishAsync("private-orders.2", "OrderShipped", new { secret = true })));
        cases.Add("history of a denied channel", new SecurityCase(
            NotSubscribed,
            alice,
            c => c.Client.Connection.InvokeCoreAsync("GetHistory", ["private-orders.2", null]).DefaultTimeout(),
            ["private-orders.2"]));
        cases.Add("members of a denied presence channel", new SecurityCase(
            NotSubscribed,
            alice,
            c => c.Client.Connection.InvokeCoreAsync("GetMembers", ["presence-closed.1"]).DefaultTimeout(),
            ["presence-closed.1"],
            async c => await HubErrors.AssertCodeAsync(Forbidden, () => c.Client.SubscribeAsync("presence-closed.1"))));
        cases.Add("members of an allowed presence channel without subscribing", new SecurityCase(
            NotSubscribed,
            alice,
            c => c.Client.Connection.InvokeCoreAsync("GetMembers", [c.Shared]).DefaultTimeout(),
            [],
            c => c.ConnectPeerAsync(Users.Bob, c.Shared = TestChannels.Unique("presence-chat"))));
        cases.Add("members of a private channel", new SecurityCase(
            NotPresence,
            alice,
            c => c.Client.Connection.InvokeCoreAsync("GetMembers", ["private-users.7"]).DefaultTimeout(),
            []));

        // Client events. Each case has channels of its own.
        var publicRoom = TestChannels.Unique("public");
        var typing = TestChannels.Unique("private-typing");
        var presence = TestChannels.Unique("presence-chat");
        var fast = TestChannels.Unique("private-typing");
        var big = TestChannels.Unique("private-typing");
        var quiet = TestChannels.Unique("private-quiet");
        var names = TestChannels.Unique("private-typing");
        Whisper("whisper on a public channel", WhisperDisabled, publicRoom, "typing", new { }, c => c.Client.SubscribeAsync(publicRoom));
        Whisper("whisper without subscribing", NotSubscribed, typing, "typing", new { });
        Whisper(
            "whisper after a denied subscribe",
            NotSubscribed,
            "private-users.8",
            "typing",
            new { },
            c => HubErrors.AssertCodeAsync(Forbidden, () => c.Client.SubscribeAsync("private-users.8")));
        Whisper(
            "whisper after unsubscribing",
            NotSubscribed,
            presence,
            "typing",
            new { },
            async c =>
            {
                await c.Client.SubscribeAsync(presence);
                await c.Client.UnsubscribeAsync(presence);
                await c.Peer!.AssertNextEventAsync(presence, "member:joined");
                await c.Peer!.AssertNextEventAsync(presence, "member:left");
            });
        Whisper(
            "whisper over the rate limit",
            ChannelErrorCodes.RateLimited,
            fast,
            "typing",
            new { n = 4 },
            async c =>
            {
                await c.Client.SubscribeAsync(fast);
                for (var i = 1; i <= AuthorizationTestApp.WhisperPermitLimit; i++)
                {
                    await c.Client.WhisperAsync(fast, "typing", new { n = i });
                    Assert.Equal($$"""{"n":{{i}}}""", (await c.Peer!.AssertNextEventAsync(fast, "client-typing")).DataJson());
                }
            });
        Whisper(
            "whisper over the size limit",
            ChannelErrorCodes.PayloadTooLarge,
            big,
            "typing",
            new { text = new string('x', 10 * 1024) },
            c => c.Client.SubscribeAsync(big));
        Whisper(
            "whisper on a DisableWhispers pattern",
            WhisperDisabled,
            quiet,
            "typing",
            new { },
            c => c.Client.SubscribeAsync(quiet));
        Whisper(
            "whisper with an event name that is not one",
            InvalidArgument,
            names,
            "is typing",
            new { },
            c => c.Client.SubscribeAsync(names));
        Whisper("whisper on a Private- channel", InvalidChannel, "Private-" + typing["private-".Length..], "typing", new { });

        return cases;
    }

    private sealed record SecurityCase(
        string Code,
        string? Token,
        Func<CaseContext, Task> Act,
        string[] Watched,
        Func<CaseContext, Task>? Arrange = null);

    private sealed class CaseContext(AuthorizationFixture fixture, WireProtocol protocol, string marker)
    {
        public AuthorizationFixture Fixture { get; } = fixture;

        public string Marker { get; } = marker;

        public ChannelsTestClient Client { get; set; } = null!;

        /// <summary>Another user on the channel, who must see the marker next.</summary>
        public ChannelsTestClient? Peer { get; private set; }

        /// <summary>A channel an arrange step made for the act.</summary>
        public string Shared { get; set; } = string.Empty;

        public async Task ConnectPeerAsync(TestUser user, string channel)
        {
            Peer = await Fixture.Server.ConnectAsync(protocol: protocol, accessToken: user.Token);
            await Peer.SubscribeAsync(Marker);
            await Peer.SubscribeAsync(channel);
        }
    }
}
