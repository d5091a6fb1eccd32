using Microsoft.AspNetCore.SignalR.Client;
using SignalRChannels.FunctionalTests.Infrastructure;
using System.Collections.Concurrent;
using StackExchange.Redis;
using Xunit;

namespace SignalRChannels.FunctionalTests.History;

/// <summary>
/// Publishes to one history channel that arrive while its append is waiting for Redis are stored together, in one script
/// call, and still delivered once each in offset order. On a <c>redis-server</c> of the test's own, so its command
/// statistics count this test's calls only.
/// </summary>
public sealed class HistoryGroupCommitTests
{
    [Theory]
    [InlineData(WireProtocol.Json)]
    [InlineData(WireProtocol.MessagePack)]
    public async Task ConcurrentPublishes_ToOneChannel_ShareScriptCalls_AndArriveInOffsetOrder(WireProtocol protocol)
    {
        await using var redis = await RedisProcess.StartAsync(persistent: false);
        await using var server = await ChannelsTestServer.StartAsync(HistoryTests.Options(redis.Configuration));
        const string channel = "history.burst";
        var client = await server.ConnectAsync(protocol: protocol);
        await client.SubscribeAsync(channel);
        await using var stats = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var before = await ScriptCallsAsync(stats);

        const int publishes = 400;
        await Task.WhenAll(Enumerable.Range(1, publishes).Select(i => server.Broadcaster.PublishAsync(channel, "tick", new { i })));

        var calls = await ScriptCallsAsync(stats) - before;
        Assert.InRange(calls, 1, publishes / 4);
        for (var offset = 1; offset <= publishes; offset++)
        {
            var received = await client.AssertNextEventAsync(channel, "tick");
            Assert.Equal(offset, received.Offset);
        }

        // Stored once each, with contiguous offsets: the history holds exactly the published events (read over JSON).
        var reader = await server.ConnectAsync();
        await reader.SubscribeAsync(channel);
        var page = await reader.Connection.InvokeAsync<HistoryTests.HistoryPage>(
            "GetHistory", channel, new { since = (object?)null, limit = 1000, reverse = (bool?)null });
        Assert.Equal(Enumerable.Range(1, publishes).Select(i => (long)i), page.Events!.Select(e => e.Offset!.Value));
        Assert.Equal(
            Enumerable.Range(1, publishes).Order(),
            page.Events!.Select(e => System.Text.Json.JsonDocument.Parse(e.DataJson()).RootElement.GetProperty("i").GetInt32()).Order());
    }

    [Fact]
    public async Task ConcurrentPublishesThroughARedisKill_AreAcceptedOrRefusedAsUnavailable_AndTheChannelsLineRecovers()
    {
        await using var redis = await RedisProcess.StartAsync(persistent: false);
        await using var server = await ChannelsTestServer.StartAsync(HistoryTests.Options(redis.Configuration));
        const string channel = "history.kill";
        var client = await server.ConnectAsync();
        await client.SubscribeAsync(channel);

        // Eight publishers on one channel keep its line full, so groups are in flight when Redis dies.
        var accepted = 0;
        var refusals = new ConcurrentQueue<Exception>();
        using var stop = new CancellationTokenSource();
        var lanes = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await server.Broadcaster.PublishAsync(channel, "tick", new { at = Environment.TickCount64 });
                    Interlocked.Increment(ref accepted);
                }
                catch (Exception ex)
                {
                    refusals.Enqueue(ex);
                }
            }
        })).ToArray();

        await Poll.UntilAsync(() => Volatile.Read(ref accepted) >= 200, "publishes accepted before the kill");
        await redis.KillAsync();
        await Poll.UntilAsync(() => refusals.Count >= 8, "publishes refused while Redis is down");
        await redis.RestartAsync();
        var acceptedAtRestart = Volatile.Read(ref accepted);
        // A line left holding a failed group, or counting a call that never completed, would stall here.
        await Poll.UntilAsync(() => Volatile.Read(ref accepted) >= acceptedAtRestart + 200, "publishes accepted after the restart");
        await stop.CancelAsync();
        await Task.WhenAll(lanes).DefaultTimeout();

        Assert.All(refusals, ex => Assert.Equal(ChannelErrorCodes.Unavailable, Assert.IsType<ChannelException>(ex).Code));
    }

    /// <summary>Script runs on the server so far (EVAL and EVALSHA), from its command statistics.</summary>
    private static async Task<long> ScriptCallsAsync(ConnectionMultiplexer redis)
    {
        var server = redis.GetServers().Single();
        var sections = await server.InfoAsync("commandstats");
        long calls = 0;
        foreach (var pair in sections.SelectMany(s => s))
        {
            if (pair.Key is "cmdstat_evalsha" or "cmdstat_eval")
            {
                calls += long.Parse(pair.Value.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return calls;
    }
}
