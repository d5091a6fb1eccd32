using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Time.Testing;

namespace SignalRChannels.Client.Tests;

/// <summary>The client's heartbeats: the optional <c>Heartbeat</c> hub method, timed to measure the round trip.</summary>
public sealed class HeartbeatTests
{
    [Fact]
    public async Task Heartbeat_RunsOnConnectAndEveryInterval_AndReportsTheMeasuredRoundTripOnTheNextBeat()
    {
        var time = new FakeTimeProvider();
        var server = new NullChannelsConnection();
        var beats = new Recorder<double?>();
        server.Handle("Heartbeat", args =>
        {
            beats.Add((double?)args[0]);
            time.Advance(TimeSpan.FromMilliseconds(25)); // the server takes 25 ms to answer
            return 0L;
        });
        await using var client = new ChannelsClient(server, new ChannelsClientOptions { HeartbeatInterval = TimeSpan.FromSeconds(10) }, timeProvider: time);

        await client.StartAsync().DefaultTimeout();
        Assert.Equal([null], beats.Items);
        Assert.Equal(TimeSpan.FromMilliseconds(25), client.RoundTripTime);

        time.Advance(TimeSpan.FromSeconds(10));
        await beats.WaitForCountAsync(2);

        Assert.Equal([null, 25.0], beats.Items);
    }

    [Fact]
    public async Task Heartbeat_Off_WhenIntervalIsNull()
    {
        var server = new NullChannelsConnection();
        await using var client = new ChannelsClient(server, new ChannelsClientOptions { HeartbeatInterval = null });

        await client.StartAsync().DefaultTimeout();

        Assert.DoesNotContain(server.Invocations, i => i.Method == "Heartbeat");
        Assert.Null(client.RoundTripTime);
    }

    [Fact]
    public async Task Heartbeat_ServerWithoutTheMethod_IsNotAskedAgainOnThatConnection()
    {
        var time = new FakeTimeProvider();
        var server = new NullChannelsConnection();
        server.Handle("Heartbeat", _ => throw new HubException("Unknown hub method 'Heartbeat'"));
        await using var client = new ChannelsClient(server, new ChannelsClientOptions { HeartbeatInterval = TimeSpan.FromSeconds(1) }, timeProvider: time);

        await client.StartAsync().DefaultTimeout();
        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Single(server.Invocations, i => i.Method == "Heartbeat");
        Assert.Equal(ConnectionState.Connected, client.State);
        Assert.Null(client.RoundTripTime);
    }

    [Fact]
    public async Task Heartbeat_AgainstARealServer_ReportsTheRoundTripItMeasured()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = node.CreateClient(configure: o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(200));

        await client.StartAsync().DefaultTimeout();
        await node.Invocations.Recorder.WaitUntilAsync(calls => calls.Any(c => c.Method == "Heartbeat" && c.FirstArgument is double));

        Assert.NotNull(client.RoundTripTime);
        Assert.InRange(client.RoundTripTime!.Value, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.Null(node.Invocations.Calls.First(c => c.Method == "Heartbeat").FirstArgument);
    }
}
