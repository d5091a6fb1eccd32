using Microsoft.AspNetCore.SignalR.Client;

namespace SignalRChannels.FunctionalTests;

/// <summary>
/// Hostile input (DESIGN §10): each case must fail with its exact code, leak nothing, and leave the
/// connection, the node and every other client working.
/// </summary>
public class BadInputTests(BadInputTests.Fixture fixture) : IClassFixture<BadInputTests.Fixture>
{
    private const int MaxPayloadBytes = 1024;

    private static readonly Dictionary<string, BadInput> s_cases = BuildCases();

    public static TheoryData<string, WireProtocol> Cases => TestMatrix.WithEveryProtocol(s_cases.Keys);

    [Fact]
    public void Cases_AreAtLeastForty() => Assert.True(s_cases.Count >= 40, $"{s_cases.Count} cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadInput_FailsWithItsCode_AndNobodyIsAffected(string name, WireProtocol protocol)
    {
        var badInput = s_cases[name];
        await using var client = await fixture.Server.ConnectAsync(protocol: protocol);
        if (badInput.Arrange is not null)
        {
            await badInput.Arrange(client);
        }

        await HubErrors.AssertCodeAsync(badInput.Code, () => badInput.Act(client));

        if (badInput.Recover is not null)
        {
            await badInput.Recover(client);
        }

        await AssertStillWorksAsync(client, name);
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task ArgumentOfTheWrongType_FailsWithInvalidArgument(WireProtocol protocol)
    {
        await using var client = await fixture.Server.ConnectAsync(protocol: protocol);

        // SignalR fails to bind these before any channel code runs; the client still deserves a code.
        await HubErrors.AssertCodeAsync(
            ChannelErrorCodes.InvalidArgument,
            () => client.Connection.InvokeCoreAsync("Subscribe", [42, null]).DefaultTimeout());

        await AssertStillWorksAsync(client, "wrong type");
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task UnknownMethod_FailsWithUnknownMethod(WireProtocol protocol)
    {
        await using var client = await fixture.Server.ConnectAsync(protocol: protocol);

        var error = await HubErrors.AssertCodeAsync(
            ChannelErrorCodes.UnknownMethod,
            () => client.Connection.InvokeCoreAsync("Subscribee", [TestChannels.Unique(), null]).DefaultTimeout());

        Assert.Contains("Subscribee", error.Message, StringComparison.Ordinal);
        await AssertStillWorksAsync(client, "unknown method");
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task MissingArgument_FailsWithInvalidArgument(WireProtocol protocol)
    {
        await using var client = await fixture.Server.ConnectAsync(protocol: protocol);

        await HubErrors.AssertCodeAsync(
            ChannelErrorCodes.InvalidArgument,
            () => client.Connection.InvokeCoreAsync("Subscribe", [TestChannels.Unique()]).DefaultTimeout());

        await AssertStillWorksAsync(client, "missing argument");
    }

    [Fact]
    public async Task MessageOverSignalRsSizeLimit_ClosesOnlyThatConnection()
    {
        // SignalR's MaximumReceiveMessageSize (32 KB by default) is enforced before channels see the message:
        // the transport closes the connection. Everyone else carries on.
        var client = await fixture.Server.ConnectAsync();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        await Assert.ThrowsAnyAsync<Exception>(() => client.PublishAsync(TestChannels.Unique(), "big", new string('x', 40_000)));
        await closed.Task.DefaultTimeout();

        await AssertObserverUnaffectedAsync("oversized message");
    }

    private async Task AssertStillWorksAsync(ChannelsTestClient client, string caseName)
    {
        var channel = TestChannels.Unique("after");
        var result = await client.SubscribeAsync(channel);
        Assert.Null(result.Error);
        await fixture.Server.Broadcaster.PublishAsync(channel, "StillWorks", new { ok = true }).DefaultTimeout();
        Assert.Equal("""{"ok":true}""", (await client.AssertNextEventAsync(channel, "StillWorks")).DataJson());
        await AssertObserverUnaffectedAsync(caseName);
    }

    private async Task AssertObserverUnaffectedAsync(string caseName)
    {
        await fixture.Server.Broadcaster.PublishAsync(fixture.WatchedChannel, "StillHere", caseName).DefaultTimeout();
        var received = await fixture.Observer.AssertNextEventAsync(fixture.WatchedChannel, "StillHere");
        Assert.Equal(caseName, received.DataJson().Trim('"'));
    }

    private static Dictionary<string, BadInput> BuildCases()
    {
        const string InvalidChannel = ChannelErrorCodes.InvalidChannel;
        const string InvalidArgument = ChannelErrorCodes.InvalidArgument;
        const string Forbidden = ChannelErrorCodes.Forbidden;
        const string LimitExceeded = ChannelErrorCodes.LimitExceeded;
        const string PayloadTooLarge = ChannelErrorCodes.PayloadTooLarge;

        var cases = new Dictionary<string, BadInput>();

        void Subscribe(string name, string code, string? channel, object? options = null) =>
            cases.Add($"Subscribe {name}", new BadInput(code, c => c.SubscribeAsync(channel, options)));

        void Unsubscribe(string name, string? channel) =>
            cases.Add($"Unsubscribe {name}", new BadInput(InvalidChannel, c => c.UnsubscribeAsync(channel)));

        void Publish(string name, string code, string? channel, string? eventName, object? data = null) =>
            cases.Add($"Publish {name}", new BadInput(code, c => c.PublishAsync(channel, eventName, data)));

        static string Valid() => TestChannels.Unique("valid");

        Subscribe("null name", InvalidChannel, null);
        Subscribe("empty name", InvalidChannel, "");
        Subscribe("201 characters", InvalidChannel, new string('a', 201));
        Subscribe("private, 201 characters", InvalidChannel, "private-" + new string('a', 193));
        Subscribe("space", InvalidChannel, "orders 1");
        Subscribe("slash", InvalidChannel, "orders/1");
        Subscribe("hash", InvalidChannel, "orders#1");
        Subscribe("asterisk", InvalidChannel, "orders.*");
        Subscribe("colon", InvalidChannel, "orders:1");
        Subscribe("newline", InvalidChannel, "orders\n1");
        Subscribe("tab", InvalidChannel, "orders\t1");
        Subscribe("NUL", InvalidChannel, "orders\01");
        Subscribe("backslash", InvalidChannel, "orders\\1");
        Subscribe("accented letter", InvalidChannel, "commandes.é");
        Subscribe("CJK", InvalidChannel, "频道");
        Subscribe("emoji", InvalidChannel, "chat.\U0001F600");
        Subscribe("private- with nothing after", InvalidChannel, "private-");
        Subscribe("presence- with nothing after", InvalidChannel, "presence-");
        Subscribe("Private-x", InvalidChannel, "Private-x");
        Subscribe("PRESENCE-x", InvalidChannel, "PRESENCE-x");
        Subscribe("PRIVATE- alone", InvalidChannel, "PRIVATE-");
        Subscribe("private without routes", Forbidden, "private-orders.42");
        Subscribe("presence without routes", Forbidden, "presence-chat.1");
        Subscribe("presence of maximum length without routes", Forbidden, "presence-" + new string('a', 191));
        Subscribe("negative since.offset", InvalidArgument, Valid(), new { since = new { offset = -1L, epoch = "e" } });
        Subscribe("since.offset long.MinValue", InvalidArgument, Valid(), new { since = new { offset = long.MinValue, epoch = (string?)null } });
        Subscribe("65-character epoch", InvalidArgument, Valid(), new { since = new { offset = 1L, epoch = new string('e', 65) } });
        Subscribe("empty events filter", InvalidArgument, Valid(), new { events = Array.Empty<string>() });
        Subscribe("events filter with an empty name", InvalidArgument, Valid(), new { events = new[] { "" } });
        Subscribe("events filter with an invalid name", InvalidArgument, Valid(), new { events = new[] { "a b" } });
        Subscribe("events filter with 33 names", InvalidArgument, Valid(), new { events = Enumerable.Range(0, 33).Select(i => $"e{i}").ToArray() });

        cases.Add("SubscribeMany null array", new BadInput(InvalidArgument, c => c.SubscribeManyAsync(null)));
        cases.Add("SubscribeMany 101 channels", new BadInput(
            LimitExceeded,
            c => c.SubscribeManyAsync(Enumerable.Range(0, 101).Select(i => $"many.{i}").ToArray())));
        cases.Add("SubscribeMany 1000 channels", new BadInput(
            LimitExceeded,
            c => c.SubscribeManyAsync(Enumerable.Range(0, 1000).Select(i => $"m.{i}").ToArray())));
        var full = Enumerable.Range(0, 100).Select(i => $"full.{i}").ToArray();
        cases.Add("Subscribe 101st channel of a connection", new BadInput(
            LimitExceeded,
            c => c.SubscribeAsync(Valid()),
            Arrange: async c => Assert.All(await c.SubscribeManyAsync(full), r => Assert.Null(r.Error)),
            Recover: c => c.UnsubscribeAsync(full[0])));

        Publish("null event name", InvalidArgument, Valid(), null);
        Publish("empty event name", InvalidArgument, Valid(), "");
        Publish("event name with a space", InvalidArgument, Valid(), "order shipped");
        Publish("event name of 101 characters", InvalidArgument, Valid(), new string('e', 101));
        Publish("accented event name", InvalidArgument, Valid(), "expédié");
        Publish("reserved member:joined", InvalidArgument, Valid(), "member:joined");
        Publish("reserved member: prefix", InvalidArgument, Valid(), "member:custom");
        Publish("reserved channel:unsubscribed", InvalidArgument, Valid(), "channel:unsubscribed");
        Publish("reserved client- prefix", InvalidArgument, Valid(), "client-typing");
        Publish("invalid channel", InvalidChannel, "orders 1", "OrderShipped");
        Publish("null channel", InvalidChannel, null, "OrderShipped");
        Publish("Private-x channel", InvalidChannel, "Private-x", "OrderShipped");
        Publish("string payload over the limit", PayloadTooLarge, Valid(), "Big", new string('x', MaxPayloadBytes));
        Publish("object payload over the limit", PayloadTooLarge, Valid(), "Big", new { items = Enumerable.Range(0, 300).ToArray() });

        Unsubscribe("null name", null);
        Unsubscribe("empty name", "");
        Unsubscribe("space", "orders 1");
        Unsubscribe("201 characters", new string('a', 201));
        Unsubscribe("Private-x", "Private-x");
        Unsubscribe("private- with nothing after", "private-");

        return cases;
    }

    private sealed record BadInput(
        string Code,
        Func<ChannelsTestClient, Task> Act,
        Func<ChannelsTestClient, Task>? Arrange = null,
        Func<ChannelsTestClient, Task>? Recover = null);

    /// <summary>A server with a small payload limit, and one client watching a channel throughout.</summary>
    public sealed class Fixture : ChannelsServerFixture
    {
        private ChannelsTestClient? _observer;

        public ChannelsTestClient Observer => _observer ?? throw new InvalidOperationException("Not started.");

        public string WatchedChannel { get; } = TestChannels.Unique("watched");

        protected override ChannelsTestServerOptions Options => new()
        {
            Channels = channels => channels.Configure(o => o.MaxPayloadBytes = MaxPayloadBytes),
        };

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            _observer = await Server.ConnectAsync(Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling);
            await _observer.SubscribeAsync(WatchedChannel);
        }
    }
}
