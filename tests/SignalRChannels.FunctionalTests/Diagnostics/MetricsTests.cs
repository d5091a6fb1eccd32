using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Xunit;

namespace SignalRChannels.FunctionalTests.Diagnostics;

/// <summary>The <c>SignalRChannels</c> meter reports what happens on a node.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Meter_CountsConnectionsSubscriptionsDenialsEventsAndRoundTrips()
    {
        await using var server = await ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            Channels = channels => channels.History("history.*", 10, TimeSpan.FromMinutes(1)),
        });
        var meterFactory = server.Services.GetRequiredService<IMeterFactory>();
        using var connections = new MetricCollector<long>(meterFactory, "SignalRChannels", "signalrchannels.connections");
        using var subscriptions = new MetricCollector<long>(meterFactory, "SignalRChannels", "signalrchannels.subscriptions");
        using var denied = new MetricCollector<long>(meterFactory, "SignalRChannels", "signalrchannels.subscriptions.denied");
        using var published = new MetricCollector<long>(meterFactory, "SignalRChannels", "signalrchannels.events.published");
        using var recoveries = new MetricCollector<long>(meterFactory, "SignalRChannels", "signalrchannels.recoveries");
        using var roundTrips = new MetricCollector<double>(meterFactory, "SignalRChannels", "signalrchannels.heartbeat.round_trip_time");

        var client = await server.ConnectAsync();
        var position = (await client.SubscribeAsync("history.metrics")).Position!;
        await client.SubscribeAsync("public.metrics");
        await HubErrors.AssertCodeAsync("forbidden", () => client.SubscribeAsync("private-nobody"));
        await server.Broadcaster.PublishAsync("history.metrics", "tick", 1);
        await client.AssertNextEventAsync("history.metrics", "tick");
        await client.SubscribeAsync("history.metrics", new { since = new { offset = position.Offset, epoch = position.Epoch }, events = (string[]?)null });
        await client.Connection.InvokeAsync<long>("Heartbeat", 42.0).DefaultTimeout();

        await Poll.UntilAsync(() => connections.GetMeasurementSnapshot().Sum(m => m.Value) == 1, "one connection counted");
        Assert.Equal(2, subscriptions.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal("private", Assert.Single(denied.GetMeasurementSnapshot()).Tags["channel.kind"]);
        var tick = Assert.Single(published.GetMeasurementSnapshot());
        Assert.Equal(true, tick.Tags["history"]);
        Assert.Equal("server", tick.Tags["event.source"]);
        Assert.Equal("recovered", Assert.Single(recoveries.GetMeasurementSnapshot()).Tags["outcome"]);
        Assert.Equal(42.0, Assert.Single(roundTrips.GetMeasurementSnapshot()).Value);

        await client.DisposeAsync();
        await Poll.UntilAsync(() => connections.GetMeasurementSnapshot().Sum(m => m.Value) == 0, "the connection uncounted");
        await Poll.UntilAsync(() => subscriptions.GetMeasurementSnapshot().Sum(m => m.Value) == 0, "subscriptions uncounted");
    }
}
