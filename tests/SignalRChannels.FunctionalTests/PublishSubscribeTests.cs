using System.Collections;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;

namespace SignalRChannels.FunctionalTests;

public class PublishSubscribeTests(ChannelsServerFixture fixture) : IClassFixture<ChannelsServerFixture>
{
    private ChannelsTestServer Server => fixture.Server;

    public sealed record OrderShipped(int OrderId);

    [Theory]
    [MemberData(nameof(TestMatrix.SupportedTransportsAndProtocols), MemberType = typeof(TestMatrix))]
    public async Task SubscribePublishUnsubscribe_DeliversTheEnvelopeUntilUnsubscribed(HttpTransportType transport, WireProtocol protocol)
    {
        var channel = TestChannels.Unique("orders");
        var marker = TestChannels.Unique("marker");
        await using var client = await Server.ConnectAsync(transport, protocol);

        var result = await client.SubscribeAsync(channel);
        await client.SubscribeAsync(marker);

        Assert.Equal(channel, result.Channel);
        Assert.Null(result.Error);
        Assert.Null(result.Position);
        Assert.False(result.Recovered);
        Assert.Empty(result.Missed ?? []);
        Assert.Null(result.Members);

        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Server.Broadcaster.PublishAsync(channel, "OrderShipped", new OrderShipped(42)).DefaultTimeout();
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var received = await client.AssertNextEventAsync(channel, "OrderShipped");
        Assert.Equal("""{"orderId":42}""", received.DataJson());
        Assert.InRange(received.Timestamp, before, after);
        Assert.Null(received.Offset);
        Assert.Null(received.Epoch);
        Assert.Null(received.From);
        if (protocol == WireProtocol.MessagePack)
        {
            // A native map with string keys, not a JSON string inside MessagePack.
            var map = Assert.IsAssignableFrom<IDictionary>(received.Data);
            Assert.Equal(42L, Convert.ToInt64(map["orderId"]));
        }
        else
        {
            Assert.Equal(42, Assert.IsType<JsonElement>(received.Data).GetProperty("orderId").GetInt32());
        }

        await client.UnsubscribeAsync(channel);
        await Server.Broadcaster.PublishAsync(channel, "OrderShipped", new OrderShipped(43)).DefaultTimeout();
        await Server.Broadcaster.PublishAsync(marker, "Marker", null).DefaultTimeout();

        await client.AssertNextEventAsync(marker, "Marker");
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task Publish_PayloadOfEveryJsonKind_ArrivesEquivalentOnEitherProtocol(WireProtocol protocol)
    {
        var channel = TestChannels.Unique();
        await using var client = await Server.ConnectAsync(protocol: protocol);
        await client.SubscribeAsync(channel);

        await Server.Broadcaster.PublishAsync(channel, "Everything", new
        {
            Text = "héllo \"world\"",
            Count = -7,
            Big = long.MaxValue,
            Ratio = 0.5,
            Flag = true,
            Nothing = (string?)null,
            Items = new object[] { 1, "two", new { Three = 3 } },
            Nested = new { Inner = new { Deep = Array.Empty<int>() } },
        }).DefaultTimeout();

        var received = await client.AssertNextEventAsync(channel, "Everything");
        Assert.Equal(
            """{"text":"h\u00E9llo \u0022world\u0022","count":-7,"big":9223372036854775807,"ratio":0.5,"flag":true,"nothing":null,"items":[1,"two",{"three":3}],"nested":{"inner":{"deep":[]}}}""",
            received.DataJson());
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task Publish_NullOrScalarPayload_ArrivesAsIs(WireProtocol protocol)
    {
        var channel = TestChannels.Unique();
        await using var client = await Server.ConnectAsync(protocol: protocol);
        await client.SubscribeAsync(channel);

        await Server.Broadcaster.PublishAsync(channel, "none", null).DefaultTimeout();
        await Server.Broadcaster.PublishAsync(channel, "text", "hi").DefaultTimeout();
        await Server.Broadcaster.PublishAsync(channel, "number", 12).DefaultTimeout();

        Assert.Equal("null", (await client.AssertNextEventAsync(channel, "none")).DataJson());
        Assert.Equal("\"hi\"", (await client.AssertNextEventAsync(channel, "text")).DataJson());
        Assert.Equal("12", (await client.AssertNextEventAsync(channel, "number")).DataJson());
    }

    [Fact]
    public async Task Publish_ManyEvents_ArriveInPublishOrder()
    {
        var channel = TestChannels.Unique();
        await using var client = await Server.ConnectAsync();
        await client.SubscribeAsync(channel);

        for (var i = 0; i < 50; i++)
        {
            await Server.Broadcaster.PublishAsync(channel, "n", i).DefaultTimeout();
        }

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), (await client.AssertNextEventAsync(channel, "n")).DataJson());
        }
    }

    [Fact]
    public async Task Publish_ReachesOnlySubscribersOfThatChannel()
    {
        var channel = TestChannels.Unique("a");
        var other = TestChannels.Unique("b");
        await using var subscriber = await Server.ConnectAsync();
        await using var bystander = await Server.ConnectAsync();
        await subscriber.SubscribeAsync(channel);
        await bystander.SubscribeAsync(other);

        await Server.Broadcaster.PublishAsync(channel, "only-a", null).DefaultTimeout();
        await Server.Broadcaster.PublishAsync(other, "marker", null).DefaultTimeout();

        await subscriber.AssertNextEventAsync(channel, "only-a");
        await bystander.AssertNextEventAsync(other, "marker");
    }

    [Fact]
    public async Task Subscribe_SameChannelTwice_DeliversEachEventOnce()
    {
        var channel = TestChannels.Unique();
        var marker = TestChannels.Unique("marker");
        await using var client = await Server.ConnectAsync();
        await client.SubscribeAsync(channel);
        await client.SubscribeAsync(channel);
        await client.SubscribeAsync(marker);

        await Server.Broadcaster.PublishAsync(channel, "once", null).DefaultTimeout();
        await Server.Broadcaster.PublishAsync(marker, "marker", null).DefaultTimeout();

        await client.AssertNextEventAsync(channel, "once");
        await client.AssertNextEventAsync(marker, "marker");
    }

    [Fact]
    public async Task Unsubscribe_IsIdempotent_AndNeedsNoSubscription()
    {
        var channel = TestChannels.Unique();
        await using var client = await Server.ConnectAsync();

        await client.UnsubscribeAsync(channel);
        await client.SubscribeAsync(channel);
        await client.UnsubscribeAsync(channel);
        await client.UnsubscribeAsync(channel);

        await client.SubscribeAsync(channel);
        await Server.Broadcaster.PublishAsync(channel, "back", null).DefaultTimeout();
        await client.AssertNextEventAsync(channel, "back");
    }

    [Fact]
    public async Task Subscribe_NameOfMaximumLengthWithEveryAllowedCharacter_Works()
    {
        var channel = ("AZaz09_-=@,.;" + Guid.NewGuid().ToString("N")).PadRight(200, 'x');
        await using var client = await Server.ConnectAsync();

        var result = await client.SubscribeAsync(channel);
        var response = await Server.PublishOverHttpAsync(channel, "edge", new { ok = true });

        Assert.Equal(channel, result.Channel);
        Assert.True(response.IsSuccessStatusCode, $"HTTP publish failed: {(int)response.StatusCode}");
        Assert.Equal("""{"ok":true}""", (await client.AssertNextEventAsync(channel, "edge")).DataJson());
    }

    [Fact]
    public async Task Publish_ToChannelWithoutSubscribers_Succeeds()
    {
        await Server.Broadcaster.PublishAsync(TestChannels.Unique(), "nobody", null).DefaultTimeout();
        await Server.Broadcaster.PublishAsync("private-" + TestChannels.Unique(), "nobody", null).DefaultTimeout();
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task HubMethodPublish_FromAClient_ReachesSubscribers(WireProtocol protocol)
    {
        var channel = TestChannels.Unique();
        await using var publisher = await Server.ConnectAsync(protocol: protocol);
        await using var subscriber = await Server.ConnectAsync(protocol: protocol);
        await subscriber.SubscribeAsync(channel);

        await publisher.PublishAsync(channel, "FromClient", new Dictionary<string, object> { ["orderId"] = 7, ["tags"] = new[] { "x" } });

        Assert.Equal("""{"orderId":7,"tags":["x"]}""", (await subscriber.AssertNextEventAsync(channel, "FromClient")).DataJson());
    }
}
