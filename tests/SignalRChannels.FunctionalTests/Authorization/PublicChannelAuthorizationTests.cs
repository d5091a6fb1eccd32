using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;

namespace SignalRChannels.FunctionalTests.Authorization;

/// <summary>
/// <see cref="ChannelsOptions.RequirePublicChannelAuthorization"/>: a public channel then needs a <c>Public(...)</c>
/// route whose callback allows. Without a route, or with one that says no, the subscription is <c>forbidden</c>
/// and no event of the channel reaches the connection. On one node, and across two nodes on the real Redis with the
/// subscriber on node B and the publisher on node A.
/// </summary>
public sealed class PublicChannelAuthorizationTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    public static TheoryData<WireProtocol, bool> ProtocolsAndTopologies
    {
        get
        {
            var data = new TheoryData<WireProtocol, bool>();
            foreach (var protocol in TestMatrix.Protocols)
            {
                data.Add(protocol, false);
                data.Add(protocol, true);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ProtocolsAndTopologies))]
    public async Task PublicChannelWithoutRoute_IsForbidden_AndNoEventOfItReachesTheConnection(WireProtocol protocol, bool twoNodes)
    {
        await using var nodes = await Nodes.StartAsync(twoNodes ? redis.Configuration : null);
        var unrouted = TestChannels.Unique("loose");
        var marker = TestChannels.Unique("marker");
        var alice = await nodes.Subscriber.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        await alice.SubscribeAsync(marker);

        await HubErrors.AssertCodeAsync(ChannelErrorCodes.Forbidden, () => alice.SubscribeAsync(unrouted));
        var many = await alice.SubscribeManyAsync([unrouted, marker]);

        Assert.Equal([ChannelErrorCodes.Forbidden, null], many.Select(r => r.Error?.Split(':')[0]));
        Assert.False(nodes.IsSubscribed(alice, unrouted), $"node B holds a subscription to {unrouted}");
        await nodes.Publisher.Broadcaster.PublishAsync(unrouted, "Leak", new { secret = true }).DefaultTimeout();
        await nodes.Publisher.Broadcaster.PublishAsync(marker, "Marker", null).DefaultTimeout();
        await alice.AssertNextEventAsync(marker, "Marker");
    }

    [Theory]
    [MemberData(nameof(ProtocolsAndTopologies))]
    public async Task PublicChannelWhoseRouteAllows_IsSubscribed_AndReceivesEvents(WireProtocol protocol, bool twoNodes)
    {
        await using var nodes = await Nodes.StartAsync(twoNodes ? redis.Configuration : null);
        var news = TestChannels.Unique("news");
        var alice = await nodes.Subscriber.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);

        var result = await alice.SubscribeAsync(news);
        var many = await alice.SubscribeManyAsync([TestChannels.Unique("news")]);

        Assert.Equal(news, result.Channel);
        Assert.Null(many.Single().Error);
        Assert.True(nodes.IsSubscribed(alice, news));
        await nodes.Publisher.Broadcaster.PublishAsync(news, "Headline", new { title = "allowed" }).DefaultTimeout();
        var received = await alice.AssertNextEventAsync(news, "Headline");
        Assert.Equal("""{"title":"allowed"}""", received.DataJson());
    }

    [Theory]
    [MemberData(nameof(ProtocolsAndTopologies))]
    public async Task PublicChannelWhoseRouteDenies_IsForbidden_AndNoEventOfItReachesTheConnection(WireProtocol protocol, bool twoNodes)
    {
        await using var nodes = await Nodes.StartAsync(twoNodes ? redis.Configuration : null);
        var news = TestChannels.Unique("news");
        var marker = TestChannels.Unique("marker");
        var bob = await nodes.Subscriber.ConnectAsync(protocol: protocol, accessToken: Users.Bob.Token);
        var witness = await nodes.Subscriber.ConnectAsync(protocol: protocol, accessToken: Users.Alice.Token);
        await bob.SubscribeAsync(marker);
        await witness.SubscribeAsync(news);

        await HubErrors.AssertCodeAsync(ChannelErrorCodes.Forbidden, () => bob.SubscribeAsync(news));
        var many = await bob.SubscribeManyAsync([news]);

        Assert.Equal(ChannelErrorCodes.Forbidden, many.Single().Error?.Split(':')[0]);
        Assert.False(nodes.IsSubscribed(bob, news), $"node B holds a subscription of Bob to {news}");
        await nodes.Publisher.Broadcaster.PublishAsync(news, "Leak", new { secret = true }).DefaultTimeout();
        // The witness on Bob's node has it, so that node has fanned it out to every local subscriber of the channel.
        await witness.AssertNextEventAsync(news, "Leak");
        await nodes.Publisher.Broadcaster.PublishAsync(marker, "Marker", null).DefaultTimeout();
        await bob.AssertNextEventAsync(marker, "Marker");
    }

    /// <summary>One node, or two on one Redis prefix: the publisher is node A, the subscribers connect to node B.</summary>
    private sealed class Nodes(ChannelsTestServer publisher, ChannelsTestServer subscriber) : IAsyncDisposable
    {
        public ChannelsTestServer Publisher { get; } = publisher;

        public ChannelsTestServer Subscriber { get; } = subscriber;

        public static async Task<Nodes> StartAsync(string? redisConfiguration)
        {
            var prefix = RedisFixture.NewPrefix();
            var nodeA = await ChannelsTestServer.StartAsync(Options(redisConfiguration, prefix));
            if (redisConfiguration is null)
            {
                return new Nodes(nodeA, nodeA);
            }

            try
            {
                return new Nodes(nodeA, await ChannelsTestServer.StartAsync(Options(redisConfiguration, prefix)));
            }
            catch
            {
                await nodeA.DisposeAsync();
                throw;
            }
        }

        public bool IsSubscribed(ChannelsTestClient client, string channel) =>
            Subscriber.Services.GetRequiredService<SignalRChannels.Subscriptions.ConnectionRegistry>()
                .SubscriptionsOf(client.ConnectionId).Contains(ChannelName.Parse(channel));

        public async ValueTask DisposeAsync()
        {
            await Subscriber.DisposeAsync();
            if (!ReferenceEquals(Publisher, Subscriber))
            {
                await Publisher.DisposeAsync();
            }
        }

        private static ChannelsTestServerOptions Options(string? redisConfiguration, string prefix) => new()
        {
            RedisConfiguration = redisConfiguration,
            RedisPrefix = prefix,
            ConfigureBuilder = TestAuthenticationHandler.AddTo,
            ConfigureApp = TestAuthenticationHandler.UseIn,
            Channels = channels =>
            {
                channels.Configure(o => o.RequirePublicChannelAuthorization = true);

                // Everyone: the channels the tests prove delivery with.
                channels.Public("marker.{id}", () => true);

                // Alice only.
                channels.Public("news.{id}", (ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier) == Users.Alice.Id);
            },
        };
    }
}
