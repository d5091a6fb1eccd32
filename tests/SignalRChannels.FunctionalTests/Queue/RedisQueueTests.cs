using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SignalRChannels.Redis;
using SignalRChannels.Redis.Internal;
using StackExchange.Redis;

namespace SignalRChannels.FunctionalTests.Queue;

/// <summary>The queue on a real Redis: shared by nodes, bounded per partition, and taken over from a crashed consumer.</summary>
public sealed class RedisQueueTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task EventsEnqueuedOnTwoNodes_ReachSubscribersOnBothNodes_OnceEachWithContiguousOffsets_InEachNodesOrder()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var a = await StartAsync(prefix);
        await using var b = await StartAsync(prefix);
        var onA = await a.ConnectAsync();
        var onB = await b.ConnectAsync();
        await onA.SubscribeAsync("history.shared");
        await onB.SubscribeAsync("history.shared");

        const int PerNode = 300;
        await Task.WhenAll(EnqueueAsync(a, "a", PerNode), EnqueueAsync(b, "b", PerNode));

        foreach (var client in new[] { onA, onB })
        {
            // A send repeated by a retry or a partition takeover carries the same offset and id; clients drop it by offset.
            var received = new List<ReceivedEvent>();
            while (received.Count < 2 * PerNode)
            {
                var next = await client.NextEventAsync();
                if (received.FirstOrDefault(e => e.Offset == next.Offset) is { } earlier)
                {
                    Assert.Equal(earlier.Id, next.Id);
                    continue;
                }

                received.Add(next);
            }

            Assert.Equal(Enumerable.Range(1, 2 * PerNode).Select(i => (long?)i), received.Select(e => e.Offset));
            foreach (var node in new[] { "a", "b" })
            {
                var sequence = received.Select(e => JsonDocument.Parse(e.DataJson()).RootElement)
                    .Where(d => d.GetProperty("node").GetString() == node)
                    .Select(d => d.GetProperty("i").GetInt32());
                Assert.Equal(Enumerable.Range(1, PerNode), sequence);
            }
        }
    }

    [Fact]
    public async Task FullPartition_IsRefusedAtOnceWithLimitExceeded_AndItsEventsAreDeliveredOnceAWorkerOwnsIt()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = connection.GetDatabase();

        // Another node owns the only partition and does nothing: the queue backs up.
        await database.StringSetAsync($"{prefix}:q:0:owner", "stalled-node", TimeSpan.FromMinutes(1));
        await using var node = await StartAsync(prefix, o =>
        {
            o.Partitions = 1;
            o.Capacity = 4;
        });
        var client = await node.ConnectAsync();
        await client.SubscribeAsync("history.full");
        var queue = node.Services.GetRequiredService<IChannelQueue>();
        for (var i = 1; i <= 4; i++)
        {
            await queue.EnqueueAsync("history.full", "tick", new { node = "a", i }).DefaultTimeout();
        }

        var refused = await Assert.ThrowsAsync<ChannelException>(() => queue.EnqueueAsync("history.full", "tick", new { node = "a", i = 5 }).DefaultTimeout());
        Assert.Equal(ChannelErrorCodes.LimitExceeded, refused.Code);

        await database.KeyDeleteAsync($"{prefix}:q:0:owner");
        for (var i = 1; i <= 4; i++)
        {
            Assert.Equal((long?)i, (await client.AssertNextEventAsync("history.full", "tick")).Offset);
        }
    }

    [Fact]
    public async Task EntriesPendingForACrashedConsumer_AreClaimedByTheNextOwner_AndAnEventItAppendedIsNotAppendedTwice()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var database = connection.GetDatabase();
        const string Crashed = "crashed-node";

        // The crashed node accepted three events, read them, appended the first to history, and died before acknowledging.
        var ids = new List<string>();
        var stream = $"{prefix}:q:0";
        await database.StreamCreateConsumerGroupAsync(stream, "workers", "0-0", createStream: true);
        for (var i = 1; i <= 3; i++)
        {
            ids.Add($"evt-{i}");
            var queued = new QueuedChannelEvent { Id = ids[^1], Channel = "history.claim", Event = "tick", Data = JsonSerializer.SerializeToElement(new { node = "a", i }), EnqueuedAt = 1 };
            await database.StreamAddAsync(stream, "j", JsonSerializer.SerializeToUtf8Bytes(queued));
        }

        await database.StreamReadGroupAsync(stream, "workers", Crashed, ">", 10);
        var history = new RedisChannelEventStore(connection, Options.Create(new ChannelsRedisOptions { Configuration = redis.Configuration, Prefix = prefix }));
        var first = new ChannelEvent { Channel = "history.claim", Event = "tick", Data = JsonSerializer.SerializeToElement(new { node = "a", i = 1 }), Id = "evt-1", Timestamp = 1 };
        Assert.Equal(1, (await history.AppendAsync(ChannelName.Parse("history.claim"), first, new HistoryPolicy(100, TimeSpan.FromMinutes(1)), default)).Offset);
        await database.StringSetAsync($"{prefix}:q:0:owner", Crashed, TimeSpan.FromMilliseconds(500));

        await using var node = await StartAsync(prefix, o => o.Partitions = 1);
        var client = await node.ConnectAsync();
        await client.SubscribeAsync("history.claim", new { since = new { offset = 1, epoch = (await history.GetPositionAsync(ChannelName.Parse("history.claim"), default)).Epoch }, events = (string[]?)null });

        var received = new List<ReceivedEvent>();
        for (var i = 0; i < 3; i++)
        {
            received.Add(await client.AssertNextEventAsync("history.claim", "tick"));
        }

        // The subscriber saw offset 1 before the crash; the claimed copy of evt-1 keeps offset 1 (a client drops it), then 2 and 3.
        Assert.Equal(ids, received.Select(e => e.Id));
        Assert.Equal([1L, 2, 3], received.Select(e => e.Offset!.Value));
        Assert.Equal(3, await database.StreamLengthAsync($"{prefix}:h:{{history.claim}}:s"));
        await Poll.UntilAsync(async () => await database.StreamLengthAsync(stream) == 0, "the claimed entries were acknowledged and removed");
        Assert.Equal(0, (await database.StreamPendingAsync(stream, "workers")).PendingMessageCount);
    }

    [Fact]
    public async Task EventThatKeepsFailing_IsDeadLetteredInRedis_ListedWithItsReason_AndReplayedOnRequest()
    {
        var prefix = RedisFixture.NewPrefix();
        var history = new ControlledEventStore(TimeProvider.System);
        await using var node = await ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            Channels = channels => channels.History("history.*", 1000, TimeSpan.FromMinutes(5)),
            RedisConfiguration = redis.Configuration,
            RedisPrefix = prefix,
            Queue = o =>
            {
                o.MaxRetryAttempts = 1;
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
            },
            ConfigureBuilder = builder => builder.Services.Replace(ServiceDescriptor.Singleton<IChannelEventStore>(history)),
        });
        var client = await node.ConnectAsync();
        await client.SubscribeAsync("history.dead");
        var queue = node.Services.GetRequiredService<IChannelQueue>();

        history.Fail(int.MaxValue);
        var id = await queue.EnqueueAsync("history.dead", "tick", new { node = "a", i = 1 }).DefaultTimeout();
        IReadOnlyList<DeadLetteredEvent> deadLetters = [];
        await Poll.UntilAsync(async () => (deadLetters = await queue.GetDeadLettersAsync(10)).Count == 1, "the event was dead-lettered");

        var deadLetter = deadLetters[0];
        Assert.Equal((id, "history.dead", 2), (deadLetter.Event.Id, deadLetter.Event.Channel, deadLetter.Attempts));
        Assert.StartsWith("unavailable:", deadLetter.Reason, StringComparison.Ordinal);

        history.Fail(0);
        await queue.ReplayDeadLetterAsync(deadLetter).DefaultTimeout();

        var delivered = await client.AssertNextEventAsync("history.dead", "tick");
        Assert.Equal((id, (long?)1), (delivered.Id, delivered.Offset));
        Assert.Empty(await queue.GetDeadLettersAsync(10).DefaultTimeout());
    }

    private static async Task EnqueueAsync(ChannelsTestServer server, string node, int count)
    {
        var queue = server.Services.GetRequiredService<IChannelQueue>();
        for (var i = 1; i <= count; i++)
        {
            await queue.EnqueueAsync("history.shared", "tick", new { node, i }).DefaultTimeout();
        }
    }

    private Task<ChannelsTestServer> StartAsync(string prefix, Action<QueuedBroadcastingOptions>? configure = null) =>
        ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            Channels = channels => channels.History("history.*", 1000, TimeSpan.FromMinutes(5)),
            RedisConfiguration = redis.Configuration,
            RedisPrefix = prefix,
            Queue = o =>
            {
                o.LeaseTime = TimeSpan.FromSeconds(3);
                configure?.Invoke(o);
            },
        });
}
