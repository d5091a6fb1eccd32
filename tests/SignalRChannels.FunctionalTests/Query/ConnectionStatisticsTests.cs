using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using SignalRChannels.FunctionalTests.Infrastructure;
using Xunit;

namespace SignalRChannels.FunctionalTests.Query;

/// <summary>
/// Per-connection statistics through <see cref="IChannelsQuery.GetConnectionStatistics"/>, and the node's aggregates in
/// the <c>SignalRChannels</c> meter with bounded labels (direction, registered channel pattern).
/// </summary>
public sealed class ConnectionStatisticsTests
{
    [Theory]
    [InlineData(HttpTransportType.WebSockets, WireProtocol.Json, "websockets", "json")]
    [InlineData(HttpTransportType.LongPolling, WireProtocol.MessagePack, "longpolling", "messagepack")]
    public async Task Statistics_ReportTransportProtocolSubscriptionsTrafficAndTheLastRoundTrip(
        HttpTransportType transport, WireProtocol protocol, string transportName, string protocolName)
    {
        await using var server = await ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            Channels = channels => channels.History("history.*", 10, TimeSpan.FromMinutes(1)),
        });
        var client = await server.ConnectAsync(transport, protocol);
        await client.SubscribeAsync("history.stats");
        await client.SubscribeAsync("news.stats");
        for (var i = 0; i < 5; i++)
        {
            await server.Broadcaster.PublishAsync("news.stats", "tick", new { i, text = new string('x', 100) }).DefaultTimeout();
            await client.AssertNextEventAsync("news.stats", "tick");
        }

        await client.Connection.InvokeAsync<long>("Heartbeat", 42.5).DefaultTimeout();
        var query = server.Query();
        var statistics = query.GetConnectionStatistics(client.ConnectionId);

        Assert.NotNull(statistics);
        Assert.Equal((transportName, protocolName), (statistics.Connection.Transport, statistics.Connection.Protocol));
        Assert.Equal(["history.stats", "news.stats"], statistics.Subscriptions);
        Assert.Equal(3, statistics.InvocationsReceived);
        Assert.InRange(statistics.MessagesSent, 5 + 2, 1000);
        Assert.InRange(statistics.BytesSent, 5 * 100, 1_000_000);
        Assert.InRange(statistics.BytesReceived, 50, 1_000_000);
        Assert.Equal(TimeSpan.FromMilliseconds(42.5), statistics.LastRoundTrip);
        Assert.NotNull(statistics.LastHeartbeatAt);
        Assert.Null(query.GetConnectionStatistics("not-a-connection"));
    }

    [Fact]
    public async Task Meter_ReportsBytesMessagesOccupiedChannels_AndLabelsByRegisteredPatternNeverByName()
    {
        await using var server = await ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            Channels = channels =>
            {
                channels.Private("orders.{id}", () => true);
                channels.History("history.*", 10, TimeSpan.FromMinutes(1));
            },
        });
        var meterFactory = server.Services.GetRequiredService<IMeterFactory>();
        using var io = new MetricCollector<long>(meterFactory, "SignalRChannels", "signalrchannels.io");
        using var messages = new MetricCollector<long>(meterFactory, "SignalRChannels", "signalrchannels.messages");
        using var occupied = new MetricCollector<long>(meterFactory, "SignalRChannels", "signalrchannels.channels.occupied");
        using var subscriptions = new MetricCollector<long>(meterFactory, "SignalRChannels", "signalrchannels.subscriptions");
        using var published = new MetricCollector<long>(meterFactory, "SignalRChannels", "signalrchannels.events.published");

        var client = await server.ConnectAsync();
        await client.SubscribeAsync("private-orders.1");
        await client.SubscribeAsync("private-orders.2");
        await client.SubscribeAsync("history.1");
        await client.SubscribeAsync("lobby");
        await server.Broadcaster.PublishAsync("private-orders.2", "shipped", null).DefaultTimeout();
        await client.AssertNextEventAsync("private-orders.2", "shipped");
        occupied.RecordObservableInstruments();
        io.RecordObservableInstruments();
        messages.RecordObservableInstruments();

        Assert.Equal(4, occupied.LastMeasurement!.Value);
        Assert.Equal(
            ["history.*=1", "orders.{id}=2", "other=1"],
            subscriptions.GetMeasurementSnapshot().GroupBy(m => (string)m.Tags["channel.pattern"]!).Select(g => $"{g.Key}={g.Sum(m => m.Value)}").Order());
        Assert.Equal("orders.{id}", Assert.Single(published.GetMeasurementSnapshot()).Tags["channel.pattern"]);
        // Observable counters report each direction's running total.
        Assert.InRange(io.GetMeasurementSnapshot().Single(m => (string?)m.Tags["network.io.direction"] == "receive").Value, 100, 1_000_000);
        Assert.InRange(io.GetMeasurementSnapshot().Single(m => (string?)m.Tags["network.io.direction"] == "transmit").Value, 100, 1_000_000);
        Assert.Equal(4, messages.GetMeasurementSnapshot().Single(m => (string?)m.Tags["network.io.direction"] == "receive").Value);
        Assert.InRange(messages.GetMeasurementSnapshot().Single(m => (string?)m.Tags["network.io.direction"] == "transmit").Value, 5, 1000);
        Assert.DoesNotContain(
            subscriptions.GetMeasurementSnapshot().Concat(published.GetMeasurementSnapshot()).SelectMany(m => m.Tags.Values),
            value => value is string text && text.Contains("orders.1", StringComparison.Ordinal));
    }
}
