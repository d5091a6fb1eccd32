using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace SignalRChannels.Client.Tests;

/// <summary>
/// #13 case 5: a publisher on node A and a subscriber on node B of a history channel, while the test's own
/// redis-server is SIGKILLed and restarted. Every publish the API accepted reaches the subscriber's app, or falls in a
/// gap the client reported; a refused publish throws <c>unavailable</c>, never a driver exception.
/// </summary>
public sealed class RedisRestartDeliveryTests(ITestOutputHelper output)
{
    private const int BeforeKill = 100;
    private const int AfterRestart = 200;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PublishesThroughARedisRestart_AreDeliveredOrSurfacedAsAGap(bool persistent)
    {
        await using var redis = await RedisProcess.StartAsync(persistent);
        var prefix = TestRedis.NewPrefix("restart");
        await using var nodeA = await TestNode.StartAsync(redisPrefix: prefix, redisConfiguration: redis.Configuration);
        await using var nodeB = await TestNode.StartAsync(redisPrefix: prefix, redisConfiguration: redis.Configuration);
        await using var client = nodeB.CreateClient();
        var channel = client.Channel("hist.restart-" + Guid.NewGuid().ToString("N"));
        var received = new ConcurrentDictionary<int, StreamPosition>();
        var gaps = new ConcurrentQueue<GapDetectedEventArgs>();
        channel.On<Message>("tick", (message, e) =>
        {
            received[message.N] = e.Position!;
            return Task.CompletedTask;
        });
        channel.GapDetected += (_, gap) => gaps.Enqueue(gap);
        await client.StartAsync().DefaultTimeout();
        await channel.WhenSubscribedAsync().DefaultTimeout();

        var publisher = new Publisher(nodeA.Broadcaster, channel.Name);
        var publishing = publisher.RunAsync();
        await Poll.UntilAsync(() => publisher.Accepted.Count >= BeforeKill, "publishes accepted before the kill");
        await redis.KillAsync();
        // Down until a few publishes were refused (each waits for the command timeout or a failed reconnect).
        await Poll.UntilAsync(() => publisher.Refused.Count >= 3 || !publisher.Failed.IsEmpty, "publishes refused while Redis is down");
        await redis.RestartAsync();
        var acceptedAtRestart = publisher.Accepted.Count;
        await Poll.UntilAsync(() => publisher.Accepted.Count >= acceptedAtRestart + AfterRestart, "publishes accepted after the restart");
        publisher.Stop();
        await publishing.DefaultTimeout();
        var last = publisher.Accepted.Max();
        await Poll.UntilAsync(() => received.ContainsKey(last), "the last accepted publish is delivered");
        await client.FlushAsync(channel.Name).DefaultTimeout();

        output.WriteLine($"persistent={persistent}: accepted {publisher.Accepted.Count}, refused {publisher.Refused.Count}, " +
            $"received {received.Count}, gaps [{string.Join("; ", gaps)}]");
        Assert.Empty(publisher.Failed);
        var missing = publisher.Accepted.Where(n => !received.ContainsKey(n)).Order().ToArray();
        foreach (var n in missing)
        {
            var before = received.Keys.Where(k => k < n).DefaultIfEmpty(0).Max();
            var after = received.Keys.Where(k => k > n).Min();
            Assert.True(
                IsCovered(gaps, before == 0 ? null : received[before], received[after]),
                $"accepted publish {n} was neither delivered nor reported as a gap (delivered around it: {before} at {(before == 0 ? "-" : received[before])}, " +
                $"{after} at {received[after]}; gaps [{string.Join("; ", gaps)}])");
        }
    }

    [Fact]
    public async Task StoredEventWhoseBackplaneMessageWasLost_ReachesTheSubscriberWhenRedisReconnects_WithoutALaterEvent()
    {
        await using var redis = await RedisProcess.StartAsync(persistent: true);
        var prefix = TestRedis.NewPrefix("restart");
        await using var nodeA = await TestNode.StartAsync(redisPrefix: prefix, redisConfiguration: redis.Configuration);
        await using var nodeB = await TestNode.StartAsync(redisPrefix: prefix, redisConfiguration: redis.Configuration);
        await using var client = nodeB.CreateClient();
        var channel = client.Channel("hist.lost-" + Guid.NewGuid().ToString("N"));
        var delivered = new Recorder<int>();
        var gaps = new Recorder<GapDetectedEventArgs>();
        channel.On<Message>("tick", (message, _) =>
        {
            delivered.Add(message.N);
            return Task.CompletedTask;
        });
        channel.GapDetected += (_, gap) => gaps.Add(gap);
        await client.StartAsync().DefaultTimeout();
        await channel.WhenSubscribedAsync().DefaultTimeout();
        for (var n = 1; n <= 3; n++)
        {
            await nodeA.Broadcaster.PublishAsync(channel.Name, "tick", new Message(n, "live")).DefaultTimeout();
        }

        await delivered.WaitForCountAsync(3);

        // The channel's last event is stored but its backplane message is lost, as when Redis dies right after the
        // append; nothing is published after it.
        var lost = new SignalRChannels.ChannelEvent
        {
            Channel = channel.Name,
            Event = "tick",
            Data = System.Text.Json.JsonSerializer.SerializeToElement(new Message(4, "lost"), System.Text.Json.JsonSerializerOptions.Web),
            Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        };
        await nodeA.History.AppendAsync(ChannelName.Parse(channel.Name), lost, new HistoryPolicy(1000, TimeSpan.FromMinutes(10)), default).DefaultTimeout();
        await redis.KillAsync();
        await redis.RestartAsync();

        await delivered.WaitForCountAsync(4);
        Assert.Equal([1, 2, 3, 4], delivered.Items);
        Assert.Empty(gaps.Items);
    }

    /// <summary>Whether a reported gap lies between two delivered positions.</summary>
    private static bool IsCovered(IEnumerable<GapDetectedEventArgs> gaps, StreamPosition? before, StreamPosition after) =>
        before is null
            ? gaps.Any()
            : before.Epoch != after.Epoch
                ? gaps.Any(g => g.Epoch == before.Epoch && g.Reason == GapReason.EpochChanged)
                : gaps.Any(g => g.Epoch == before.Epoch && g.FromOffset <= before.Offset + 1 && (g.ToOffset ?? long.MaxValue) >= after.Offset - 1);

    /// <summary>Publishes numbered ticks one after another, at most one per 2 ms, sorting each by its outcome.</summary>
    private sealed class Publisher(IChannelBroadcaster broadcaster, string channel)
    {
        private readonly CancellationTokenSource _stop = new();

        public ConcurrentQueue<int> Accepted { get; } = new();

        public ConcurrentQueue<int> Refused { get; } = new();

        public ConcurrentQueue<Exception> Failed { get; } = new();

        public void Stop() => _stop.Cancel();

        public async Task RunAsync()
        {
            // Paces the load only (a few hundred events a second, below the recovery cap of a short outage).
            using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(2));
            var n = 0;
            while (!_stop.IsCancellationRequested && await pace.WaitForNextTickAsync())
            {
                n++;
                try
                {
                    await broadcaster.PublishAsync(channel, "tick", new Message(n, "tick"));
                    Accepted.Enqueue(n);
                }
                catch (SignalRChannels.ChannelException ex) when (ex.Code == ChannelErrorCodes.Unavailable)
                {
                    Refused.Enqueue(n);
                }
                catch (Exception ex)
                {
                    Failed.Enqueue(ex);
                }
            }
        }
    }
}
