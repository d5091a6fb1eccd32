using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using SignalRChannels.FunctionalTests.Infrastructure;
using SignalRChannels.FunctionalTests.Query;
using Xunit;

namespace SignalRChannels.FunctionalTests.Webhooks;

/// <summary>
/// Webhooks received by a real Kestrel receiver that checks Pusher's signature: on one in-memory node and on two nodes
/// sharing the real Redis, each lifecycle event arrives once with one id; receiver failures are retried with the same
/// ids; a client error is not retried; a receiver that does not answer bounds the queue.
/// </summary>
public sealed class WebhookTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly TestUser Alice = new("alice", "Alice");
    private static readonly TestUser Bob = new("bob", "Bob");

    public static TheoryData<string> Clusters => new() { "memory", "redis-2" };

    [Theory]
    [MemberData(nameof(Clusters))]
    public async Task EachLifecycleEvent_ArrivesOnceWithOneId_SignedWithTheAppSecret(string cluster)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var prefix = RedisFixture.NewPrefix();
        var configuration = cluster == "memory" ? null : redis.Configuration;
        await using var nodeA = await StartNodeAsync(receiver, configuration, prefix);
        await using var nodeB = configuration is null ? null : await StartNodeAsync(receiver, configuration, prefix);
        var other = nodeB ?? nodeA;
        var news = TestChannels.Unique("news");
        var room = $"presence-room.{Guid.NewGuid():N}";

        // Subscriptions on both nodes: one channel_occupied per channel, one member_added per user (alice has two tabs).
        var alice1 = await nodeA.ConnectAsync(accessToken: Alice.Token);
        var alice2 = await other.ConnectAsync(accessToken: Alice.Token);
        var bob = await other.ConnectAsync(accessToken: Bob.Token);
        await alice1.SubscribeAsync(news);
        await bob.SubscribeAsync(news);
        await alice1.SubscribeAsync(room);
        await alice2.SubscribeAsync(room);
        await bob.SubscribeAsync(room);
        await receiver.WaitForAsync("member_added", room, "bob");

        await bob.WhisperAsync(room, "typing", new { text = "hi" });
        var whisper = await receiver.WaitForAsync("client_event", room);
        Assert.Equal(("client-typing", """{"text":"hi"}""", bob.ConnectionId, "bob"), (whisper.Event, whisper.Data, whisper.SocketId, whisper.UserId));

        // Leaves: alice's first tab changes nothing; her last one removes her; the last subscriber vacates.
        await alice1.UnsubscribeAsync(room);
        await alice2.UnsubscribeAsync(room);
        await receiver.WaitForAsync("member_removed", room, "alice");
        await alice1.UnsubscribeAsync(news);
        await bob.DisposeAsync();
        await receiver.WaitForAsync("channel_vacated", room);
        await receiver.WaitForAsync("channel_vacated", news);

        // Each node's queue is sent in order: once a late event of each node arrives, anything sent twice would have too.
        var delivered = await FlushAsync(receiver, nodeA, nodeB);
        var lifecycle = delivered.Where(e => e.Channel == news || e.Channel == room).ToArray();
        Assert.Equal(
            [
                $"channel_occupied {news}",
                $"channel_occupied {room}",
                $"channel_vacated {news}",
                $"channel_vacated {room}",
                $"client_event {room} bob client-typing",
                $"member_added {room} alice",
                $"member_added {room} bob",
                $"member_removed {room} alice",
                $"member_removed {room} bob",
            ],
            lifecycle.Select(e => e.What).Order(StringComparer.Ordinal));
        Assert.Equal(delivered.Length, delivered.Select(e => e.Id).Distinct().Count());
        Assert.Equal(0, receiver.Rejected);
        Assert.All(receiver.Batches, b => Assert.Equal(32, b.BatchId.Length));
    }

    [Fact]
    public async Task ReceiverFailures_AreRetried_WithTheSameBatchAndEventIds()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailNextWith(500);
        receiver.HangNext();
        receiver.FailNextWith(429);
        await using var node = await StartNodeAsync(receiver, redis.Configuration, RedisFixture.NewPrefix(), o => o.RequestTimeout = TimeSpan.FromSeconds(1));
        var news = TestChannels.Unique("news");

        var client = await node.ConnectAsync();
        await client.SubscribeAsync(news);
        var occupied = await receiver.WaitForAsync("channel_occupied", news);
        // The held request is recorded when the receiver sees the sender give up, which may be after the retries.
        await receiver.WaitForAsync(_ => receiver.Batches.Count(b => b.Events.Any(e => e.Channel == news)) >= 4, "four attempts");

        var attempts = receiver.Batches.Where(b => b.Events.Any(e => e.Channel == news)).ToArray();
        Assert.Equal([0, 200, 429, 500], attempts.Select(a => a.Status).Order());
        Assert.Single(attempts.Select(a => a.BatchId).Distinct());
        Assert.All(attempts, a => Assert.Equal(occupied.Id, a.Events.Single(e => e.Channel == news).Id));
        Assert.Single(attempts.Select(a => a.TimeMs).Distinct());
    }

    [Fact]
    public async Task ClientError_IsNotRetried_AndLaterBatchesStillGo()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailNextWith(400);
        await using var node = await StartNodeAsync(receiver, redisConfiguration: null, RedisFixture.NewPrefix());
        using var failed = new MetricCollector<long>(node.Services.GetRequiredService<IMeterFactory>(), "SignalRChannels", "signalrchannels.webhooks.events");
        var first = TestChannels.Unique("first");
        var second = TestChannels.Unique("second");

        var client = await node.ConnectAsync();
        await client.SubscribeAsync(first);
        await receiver.WaitForAsync(events => receiver.Batches.Any(b => b.Status == 400), "the refused batch");
        await client.SubscribeAsync(second);
        await receiver.WaitForAsync("channel_occupied", second);

        Assert.Single(receiver.Batches, b => b.Events.Any(e => e.Channel == first));
        Assert.Contains(failed.GetMeasurementSnapshot(), m => m.Tags["outcome"] as string == "failed" && m.Tags["webhook.event"] as string == "channel_occupied");
    }

    [Fact]
    public async Task ReceiverThatDoesNotAnswer_BoundsTheQueue_DroppingAndCountingThePastCapacity()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.HoldNextUntil(release.Task);
        await using var node = await StartNodeAsync(receiver, redisConfiguration: null, RedisFixture.NewPrefix(), o =>
        {
            o.QueueCapacity = 3;
            o.MaxRetryAttempts = 0;
            o.RequestTimeout = TimeSpan.FromMinutes(1);
        });
        var meterFactory = node.Services.GetRequiredService<IMeterFactory>();
        using var events = new MetricCollector<long>(meterFactory, "SignalRChannels", "signalrchannels.webhooks.events");
        using var queued = new MetricCollector<long>(meterFactory, "SignalRChannels", "signalrchannels.webhooks.queued");
        var channels = Enumerable.Range(0, 10).Select(i => TestChannels.Unique($"held{i}")).ToArray();
        var client = await node.ConnectAsync();

        // The first event's request is held by the receiver: it stays in flight, and counts against the bound.
        await client.SubscribeAsync(channels[0]);
        await Poll.UntilAsync(() => receiver.InFlight == 1, "the first request is held");
        foreach (var channel in channels.Skip(1))
        {
            await client.SubscribeAsync(channel);
        }

        queued.RecordObservableInstruments();
        Assert.Equal(3, queued.LastMeasurement!.Value);
        Assert.Equal(7, events.GetMeasurementSnapshot().Where(m => m.Tags["outcome"] as string == "dropped").Sum(m => m.Value));

        release.SetResult();
        var delivered = await receiver.WaitForAsync(e => e.Length == 3, "the three kept events");
        Assert.Equal(channels.Take(3), delivered.Select(e => e.Channel));
    }

    [Theory]
    [InlineData(null, "secret", "WebhookOptions.Urls")]
    [InlineData("http://127.0.0.1:1/hooks", "", "WebhookOptions.Credentials")]
    [InlineData("ftp://127.0.0.1/hooks", "secret", "WebhookOptions.Urls")]
    [InlineData("/relative", "secret", "WebhookOptions.Urls")]
    public async Task InvalidOptions_FailAtStart(string? url, string secret, string failure)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            ConfigureChannels = channels => channels.AddWebhooks(o =>
            {
                if (url is not null)
                {
                    o.Urls.Add(new Uri(url, UriKind.RelativeOrAbsolute));
                }

                o.Credentials = new ChannelsAppCredentials { Key = "k", Secret = secret };
            }),
        }));
        Assert.Contains(error.Failures, f => f.StartsWith(failure, StringComparison.Ordinal));
    }

    internal static Task<ChannelsTestServer> StartNodeAsync(
        WebhookReceiver receiver,
        string? redisConfiguration,
        string prefix,
        Action<WebhookOptions>? configure = null,
        Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configureBuilder = null)
    {
        var options = ChannelsQueryTests.Options(redisConfiguration, prefix);
        return ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            RedisConfiguration = options.RedisConfiguration,
            RedisPrefix = prefix,
            Channels = options.Channels,
            ConfigureApp = options.ConfigureApp,
            ConfigureBuilder = builder =>
            {
                options.ConfigureBuilder!(builder);
                configureBuilder?.Invoke(builder);
            },
            ConfigureChannels = channels => channels.AddWebhooks(o =>
            {
                o.Urls.Add(receiver.Url);
                o.Credentials = new ChannelsAppCredentials { Id = "app", Key = WebhookReceiver.Key, Secret = WebhookReceiver.Secret };
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(5);
                o.RetryMaxDelay = TimeSpan.FromMilliseconds(20);
                configure?.Invoke(o);
            }),
        });
    }

    /// <summary>Makes each node report one more event and waits for them: every event a node queued before has been sent.</summary>
    internal static async Task<ReceivedWebhookEvent[]> FlushAsync(WebhookReceiver receiver, params ChannelsTestServer?[] nodes)
    {
        foreach (var node in nodes.OfType<ChannelsTestServer>())
        {
            var marker = TestChannels.Unique("flush");
            var client = await node.ConnectAsync();
            await client.SubscribeAsync(marker);
            await receiver.WaitForAsync("channel_occupied", marker);
        }

        return receiver.Delivered;
    }
}
