using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SignalRChannels.Diagnostics;
using SignalRChannels.Internal;
using SignalRChannels.Pipeline;
using Xunit;

namespace SignalRChannels.FunctionalTests.Pipeline;

/// <summary>
/// Without a backplane, a channel's events go through its send line: the events that reach it while one of its sends is
/// running go out together (one write per connection, each still its own <c>ChannelEvent</c> record) in the order they
/// arrived, and a publisher runs ahead of the sends by at most the line's bound.
/// </summary>
public sealed class BatchedFanOutTests
{
    private const int Waiting = 20;

    [Fact]
    public async Task EventsArrivingDuringASend_GoOutAfterIt_InOrder_AsBatches_HonouringToOthers()
    {
        var gate = new GatedProtocol();
        await using var server = await StartGatedAsync(gate);
        var channel = TestChannels.Unique("room");
        await using var everyone = await Subscriber.StartAsync(server, channel);
        await using var excluded = await Subscriber.StartAsync(server, channel);

        var traffic = server.Services.GetRequiredService<TrafficTotals>();
        var sentBefore = traffic.Sum().MessagesSent;

        // The first event's send, from the publisher's thread, holds still inside SignalR's group send (its
        // serialization waits at the gate).
        var first = Task.Run(() => server.Broadcaster.PublishAsync(channel, "first", new { n = 0 }));
        await gate.Entered.Task.DefaultTimeout();

        // Meanwhile publishes return as soon as their events are in the channel's line.
        for (var i = 1; i <= Waiting; i++)
        {
            // Events 11-15 leave out the second subscriber (toOthers): a run, and so a batch, of their own.
            var toOthers = i is >= 11 and <= 15 ? excluded.ConnectionId : null;
            await server.Broadcaster.PublishAsync(channel, $"e{i}", new { n = i }, toOthers).DefaultTimeout();
        }

        gate.Release.Set();
        await first.DefaultTimeout();
        await server.Broadcaster.PublishAsync(channel, Subscriber.Marker, null).DefaultTimeout();
        var all = new[] { "first" }.Concat(Enumerable.Range(1, Waiting).Select(i => $"e{i}")).ToArray();
        Assert.Equal(all, await everyone.UntilMarkerAsync());
        Assert.Equal(all.Where(e => e is not ("e11" or "e12" or "e13" or "e14" or "e15")), await excluded.UntilMarkerAsync());

        // The first event was serialized on its own; the twenty that waited were written by three batches (1-10, 11-15
        // without the second subscriber, 16-20), and the marker alone or with the last of them.
        Assert.Equal(Waiting + 2, gate.SerializedAlone + gate.SerializedInBatch);
        Assert.InRange(gate.SerializedInBatch, Waiting, Waiting + 1);

        // Each event of a batch counts as a message sent (statistics, the dashboard's delivery rate), not each write.
        Assert.True(traffic.Sum().MessagesSent - sentBefore >= (Waiting + 2) + (Waiting + 2 - 5));
    }

    [Fact]
    public async Task WhileAConnectionUsesStatefulReconnect_EventsGoOneByOne_InOrder()
    {
        // SignalR's stateful reconnect numbers each write as one message; a batch would put the client's acks out of step.
        const string statefulPath = "/hubs/stateful";
        var gate = new GatedProtocol();
        await using var server = await StartGatedAsync(gate, app => app.MapChannelHub<TestHub>(statefulPath, o => o.AllowStatefulReconnects = true));
        var channel = TestChannels.Unique("room");
        await using var stateful = await Subscriber.StartAsync(server, channel, new Uri(server.BaseAddress, statefulPath), statefulReconnect: true);
        var first = Task.Run(() => server.Broadcaster.PublishAsync(channel, "first", null));
        await gate.Entered.Task.DefaultTimeout();
        for (var i = 1; i <= Waiting; i++)
        {
            await server.Broadcaster.PublishAsync(channel, $"e{i}", null).DefaultTimeout();
        }

        gate.Release.Set();
        await first.DefaultTimeout();
        await server.Broadcaster.PublishAsync(channel, Subscriber.Marker, null).DefaultTimeout();

        Assert.Equal(new[] { "first" }.Concat(Enumerable.Range(1, Waiting).Select(i => $"e{i}")), await stateful.UntilMarkerAsync());
        Assert.Equal(0, gate.SerializedInBatch);
    }

    [Fact]
    public async Task APublisher_RunsAheadOfAHeldSend_ByTheLinesBound_ThenWaitsForItsOwnEvent()
    {
        var gate = new GatedProtocol();
        await using var server = await StartGatedAsync(gate);
        var channel = TestChannels.Unique("room");
        await using var subscriber = await Subscriber.StartAsync(server, channel);
        var first = Task.Run(() => server.Broadcaster.PublishAsync(channel, "first", null));
        await gate.Entered.Task.DefaultTimeout();

        // "first" is being sent by its publisher; the line takes MaxInFlight events without making anyone wait.
        for (var i = 1; i <= ChannelSendLines.MaxInFlight; i++)
        {
            await server.Broadcaster.PublishAsync(channel, $"e{i}", null).DefaultTimeout();
        }

        var beyond = server.Broadcaster.PublishAsync(channel, "beyond", null);
        Assert.False(beyond.IsCompleted);

        gate.Release.Set();
        await first.DefaultTimeout();
        await beyond.DefaultTimeout();
        await server.Broadcaster.PublishAsync(channel, Subscriber.Marker, null).DefaultTimeout();
        var received = await subscriber.UntilMarkerAsync();
        Assert.Equal(ChannelSendLines.MaxInFlight + 2, received.Length);
        Assert.Equal("beyond", received[^1]);
    }

    [Fact]
    public async Task LinesOfIdleChannels_AreLetGo_PastTenThousand_AndTheirChannelsStillDeliver()
    {
        await using var server = await ChannelsTestServer.StartAsync();
        var lines = server.Services.GetRequiredService<ChannelSendLines>();
        var channel = TestChannels.Unique("kept");
        var client = await server.ConnectAsync();
        await client.SubscribeAsync(channel);
        await server.Broadcaster.PublishAsync(channel, "before", null).DefaultTimeout();

        for (var i = 0; i < 10_050; i++)
        {
            await server.Broadcaster.PublishAsync($"many.{i}", "tick", null).DefaultTimeout();
        }

        Assert.InRange(lines.LineCount, 1, 10_000);
        await server.Broadcaster.PublishAsync(channel, "after", null).DefaultTimeout();
        await client.AssertNextEventAsync(channel, "before");
        await client.AssertNextEventAsync(channel, "after");
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task SmallChannels_APublishersEventsAcrossChannels_ArriveInPublishOrder(WireProtocol protocol)
    {
        // Below RunAheadSubscribers a publish completes once SignalR has taken its event, so one publisher's awaited
        // publishes to different channels reach a connection subscribed to both in publish order.
        await using var server = await ChannelsTestServer.StartAsync();
        var channels = new[] { TestChannels.Unique("a"), TestChannels.Unique("b"), TestChannels.Unique("c") };
        var client = await server.ConnectAsync(protocol: protocol);
        await client.SubscribeManyAsync(channels);

        for (var i = 0; i < 150; i++)
        {
            await server.Broadcaster.PublishAsync(channels[i % 3], "tick", new { i }).DefaultTimeout();
        }

        for (var i = 0; i < 150; i++)
        {
            var received = await client.NextEventAsync();
            Assert.Equal(channels[i % 3], received.Channel);
            Assert.Equal(i, JsonDocument.Parse(received.DataJson()).RootElement.GetProperty("i").GetInt32());
        }
    }

    [Theory]
    [MemberData(nameof(TestMatrix.AllProtocols), MemberType = typeof(TestMatrix))]
    public async Task ConcurrentPublishers_EveryEventArrivesOnce_EachPublishersInOrder(WireProtocol protocol)
    {
        const int publishers = 16;
        const int perPublisher = 40;
        await using var server = await ChannelsTestServer.StartAsync();
        var channel = TestChannels.Unique("busy");
        var clients = new List<ChannelsTestClient>();
        for (var i = 0; i < 3; i++)
        {
            var client = await server.ConnectAsync(protocol: protocol);
            await client.SubscribeAsync(channel);
            clients.Add(client);
        }

        await Task.WhenAll(Enumerable.Range(0, publishers).Select(p => Task.Run(async () =>
        {
            for (var n = 0; n < perPublisher; n++)
            {
                await server.Broadcaster.PublishAsync(channel, "tick", new { p, n });
            }
        }))).DefaultTimeout();

        foreach (var client in clients)
        {
            var next = new int[publishers];
            for (var i = 0; i < publishers * perPublisher; i++)
            {
                var data = JsonDocument.Parse((await client.NextEventAsync()).DataJson()).RootElement;
                var p = data.GetProperty("p").GetInt32();
                Assert.Equal(next[p]++, data.GetProperty("n").GetInt32());
            }

            Assert.All(next, count => Assert.Equal(perPublisher, count));
        }
    }

    /// <summary>A server whose hub offers <paramref name="gate"/> and whose publishes run ahead on channels of any size.</summary>
    private static Task<ChannelsTestServer> StartGatedAsync(GatedProtocol gate, Action<WebApplication>? configureApp = null) =>
        ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            ConfigureBuilder = builder => RunAheadOnEveryChannel(builder.Services.AddSingleton<IHubProtocol>(gate)),
            ConfigureApp = configureApp,
        });

    /// <summary>Publishes run ahead on channels of any size (by default from <see cref="ChannelSendLines.RunAheadSubscribers"/>).</summary>
    private static void RunAheadOnEveryChannel(IServiceCollection services) =>
        services.AddSingleton(sp => new ChannelSendLines(
            sp.GetRequiredService<HubClientsAccessor>(),
            sp.GetRequiredService<SignalRChannels.Query.NodeOccupancy>(),
            sp.GetRequiredService<ILogger<ChannelSendLines>>()) { RunAheadFrom = 1 });

    /// <summary>An official client on the gated protocol, subscribed to one channel, collecting event names.</summary>
    private sealed class Subscriber : IAsyncDisposable
    {
        public const string Marker = "marker";

        private readonly HubConnection _connection;
        private readonly List<string> _events = [];
        private readonly TaskCompletionSource _marked = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private Subscriber(HubConnection connection)
        {
            _connection = connection;
            connection.On<JsonElement>("ChannelEvent", e =>
            {
                var name = e.GetProperty("event").GetString()!;
                if (name == Marker)
                {
                    _marked.TrySetResult();
                    return;
                }

                lock (_events)
                {
                    _events.Add(name);
                }
            });
        }

        public string ConnectionId => _connection.ConnectionId!;

        public static async Task<Subscriber> StartAsync(ChannelsTestServer server, string channel, Uri? hubUrl = null, bool statefulReconnect = false)
        {
            var builder = new HubConnectionBuilder().WithUrl(hubUrl ?? server.HubUrl);
            if (statefulReconnect)
            {
                builder.WithStatefulReconnect();
            }

            builder.Services.AddSingleton<IHubProtocol>(new GatedProtocol());
            var subscriber = new Subscriber(builder.Build());
            await subscriber._connection.StartAsync().DefaultTimeout();
            await subscriber._connection.InvokeAsync<object>("Subscribe", channel, null).DefaultTimeout();
            return subscriber;
        }

        /// <summary>The names of the events received before the marker event.</summary>
        public async Task<string[]> UntilMarkerAsync()
        {
            await _marked.Task.DefaultTimeout();
            lock (_events)
            {
                return [.. _events];
            }
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }

    /// <summary>
    /// The JSON protocol under its own name. On the server, the serialization of the event named "first" waits until
    /// released; and it counts how channel events were serialized: alone (SignalR asks for a message's bytes) or as part
    /// of a batch (the channel hub's protocol writes each event of a batch into one buffer).
    /// </summary>
    private sealed class GatedProtocol() : RenamedJsonHubProtocol("gated-json")
    {
        private int _alone;
        private int _inBatch;

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ManualResetEventSlim Release { get; } = new();

        public int SerializedAlone => Volatile.Read(ref _alone);

        public int SerializedInBatch => Volatile.Read(ref _inBatch);

        public override void WriteMessage(HubMessage message, IBufferWriter<byte> output)
        {
            if (IsChannelEvent(message))
            {
                Interlocked.Increment(ref _inBatch);
            }

            base.WriteMessage(message, output);
        }

        public override ReadOnlyMemory<byte> GetMessageBytes(HubMessage message)
        {
            var bytes = base.GetMessageBytes(message);
            if (IsChannelEvent(message))
            {
                Interlocked.Increment(ref _alone);
                if (bytes.Span.IndexOf("\"event\":\"first\""u8) >= 0)
                {
                    Entered.TrySetResult();
                    Assert.True(Release.Wait(TaskTimeoutExtensions.DefaultTimeoutDuration), "The gate was not released.");
                }
            }

            return bytes;
        }
    }
}
