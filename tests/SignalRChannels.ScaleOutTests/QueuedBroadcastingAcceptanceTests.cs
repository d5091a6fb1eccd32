using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace SignalRChannels.ScaleOutTests;

/// <summary>
/// Queued broadcasting through a Redis restart and a node crash (issue #16): the test's own <c>redis-server</c> with
/// <c>--appendonly yes --appendfsync always</c>; two node processes queue events over 10 history channels; Redis is
/// SIGKILLed and restarted 5 s later mid-way; then node a (which owns the queue partitions) is SIGKILLed and its
/// subscribers reconnect through nginx to node b and recover. Every subscriber must get every event the queue
/// acknowledged exactly once, in each node's enqueue order, with contiguous offsets. <c>QUEUE_ACCEPTANCE_EVENTS</c>
/// (default 10,000) sets the number of events.
/// </summary>
public sealed class QueuedBroadcastingAcceptanceTests(ITestOutputHelper output)
{
    private const int ChannelCount = 10;
    private const int SubscriberCount = 4;
    private const int Batch = 100;
    private static readonly TimeSpan s_redisOutage = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task QueuedEvents_ThroughARedisRestartAndANodeCrash_ReachEverySubscriberOnce_InEnqueueOrder_WithContiguousOffsets()
    {
        var total = int.TryParse(Environment.GetEnvironmentVariable("QUEUE_ACCEPTANCE_EVENTS"), CultureInfo.InvariantCulture, out var n) ? n : 10_000;
        var started = Stopwatch.StartNew();
        await using var redis = await RedisProcess.StartAsync(persistent: true);
        var prefix = TestRedis.NewPrefix("queue-acceptance");
        var nodeOptions = new ServerNodeOptions { Redis = redis.Configuration, Prefix = prefix, QueueLeaseMs = 2_000, MaxRecoveredEvents = 100_000 };
        await using var doomed = await ServerNode.StartAsync("a", nodeOptions);
        await using var survivor = await ServerNode.StartAsync("b", nodeOptions);
        await using var nginx = await Nginx.StartAsync([doomed, survivor]);
        var channels = Enumerable.Range(0, ChannelCount).Select(k => $"queue.{k}").ToArray();

        var subscribers = new List<QueueSubscriber>();
        try
        {
            for (var s = 0; s < SubscriberCount; s++)
            {
                var subscriber = new QueueSubscriber(TestClients.Create(nginx.HubUrl), channels);
                subscribers.Add(subscriber);
                await subscriber.Client.StartAsync().DefaultTimeout();
            }

            await Task.WhenAll(subscribers.SelectMany(s => s.Subscriptions).Select(c => c.WhenSubscribedAsync())).DefaultTimeout();
            var onDoomed = new List<QueueSubscriber>();
            foreach (var subscriber in subscribers)
            {
                if (await subscriber.Client.NodeAsync().DefaultTimeout() == "a")
                {
                    onDoomed.Add(subscriber);
                }
            }

            Assert.InRange(onDoomed.Count, 1, SubscriberCount - 1);

            var ledger = new QueueLedger();
            using var stopDoomed = new CancellationTokenSource();
            var publishingOnA = PublishAsync(doomed, "a", channels, ledger, total, stopDoomed.Token);
            var publishingOnB = PublishAsync(survivor, "b", channels, ledger, total, CancellationToken.None);

            // Redis dies mid-way and comes back after an outage of 5 s (a duration, not a wait for some state).
            await ledger.WhenAcceptedAsync(total * 3 / 10, s_bound);
            await redis.KillAsync();
            await Task.Delay(s_redisOutage, TimeProvider.System);
            await redis.RestartAsync();

            // Node a dies mid-way, between two of its HTTP calls (so what its queue acknowledged is known), while the
            // queue it owns still holds events; node b publishes the rest.
            await ledger.WhenAcceptedAsync(total * 6 / 10, s_bound);
            await stopDoomed.CancelAsync();
            await publishingOnA.WaitAsync(s_bound);
            await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
            var database = connection.GetDatabase();
            var depthAtKill = await QueueDepthAsync(database, prefix);
            doomed.Kill();
            await publishingOnB.WaitAsync(s_bound);

            await Task.WhenAll(subscribers.Select(s => s.WhenAllDeliveredAsync(ledger, channels).WaitAsync(s_bound)));
            await Poll.UntilAsync(async () => await QueueDepthAsync(database, prefix) == 0, "every delivered event was acknowledged");

            foreach (var channel in channels)
            {
                var stored = await database.StreamLengthAsync($"{prefix}:h:{{{channel}}}:s");
                foreach (var subscriber in subscribers)
                {
                    subscriber.AssertExactlyOnceInOrder(ledger, channel, stored);
                }
            }

            foreach (var subscriber in onDoomed)
            {
                Assert.Equal("b", await subscriber.Client.NodeAsync().DefaultTimeout());
            }

            Assert.Equal(0, await database.StreamLengthAsync($"{prefix}:q:dead"));
            Assert.All(subscribers, s => Assert.Empty(s.Gaps));
            output.WriteLine(
                $"{ledger.Count} events accepted ({ledger.Refused} refused during the Redis outage, {ledger.Ambiguous} of them possibly stored), "
                + $"{SubscriberCount} subscribers ({onDoomed.Count} on the killed node), queue depth when node a was killed: {depthAtKill}, "
                + $"{started.Elapsed.TotalSeconds:0.0} s in all");
        }
        finally
        {
            foreach (var subscriber in subscribers)
            {
                await subscriber.Client.DisposeAsync();
            }
        }
    }

    /// <summary>Queues batches round-robin over the channels until the ledger holds <paramref name="total"/> events or <paramref name="stop"/> is set.</summary>
    private static async Task PublishAsync(ServerNode node, string name, string[] channels, QueueLedger ledger, int total, CancellationToken stop)
    {
        using var http = new HttpClient { Timeout = s_bound };
        var next = Enumerable.Repeat(1, channels.Length).ToArray();
        for (var k = 0; !stop.IsCancellationRequested && ledger.Count < total; k = (k + 1) % channels.Length)
        {
            var result = await node.QueueManyAsync(http, channels[k], "tick", Math.Clamp(total - ledger.Count, 1, Batch), next[k], name);
            ledger.Accept(name, channels[k], result.Accepted);
            next[k] = result.Accepted is [.., var last] ? last + 1 : next[k];
            if (result.Refused is { } refused)
            {
                // Not accepted (Redis is away); the next attempt uses the next i, since this one may have been stored.
                ledger.Refuse(name, channels[k], refused, result.Code!);
                next[k] = refused + 1;
            }
        }
    }

    private static async Task<long> QueueDepthAsync(IDatabase database, string prefix)
    {
        var lengths = await Task.WhenAll(Enumerable.Range(0, 16).Select(p => database.StreamLengthAsync($"{prefix}:q:{p}")));
        return lengths.Sum();
    }
}
