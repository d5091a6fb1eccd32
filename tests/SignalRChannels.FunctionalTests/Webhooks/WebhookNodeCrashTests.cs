using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.DependencyInjection;
using SignalRChannels.FunctionalTests.Infrastructure;
using StackExchange.Redis;
using Xunit;

namespace SignalRChannels.FunctionalTests.Webhooks;

/// <summary>
/// A node killed with SIGKILL (a real server process; no cleanup runs): once its lease expires, the node whose sweep
/// claims it reports channel_vacated for the channels only it held and member_removed for the members only it held,
/// each once; a channel that a live node still holds is not vacated. The events the dead node had queued and not
/// delivered (its receiver was down) are taken over from its outbox in Redis and sent by the sweeper, with their ids.
/// </summary>
public sealed class WebhookNodeCrashTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const int HeartbeatMs = 250;
    private const int TimeoutMs = 2000;

    [Fact]
    public async Task KilledNode_ItsChannelsAreVacatedAndItsMembersRemoved_OnceEach_WhenItsLeaseExpires()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var prefix = RedisFixture.NewPrefix();
        await using var doomed = await ServerProcess.StartAsync(
            redis.Configuration, prefix, HeartbeatMs, TimeoutMs,
            "--webhook-url", receiver.Url.ToString(), "--webhook-key", WebhookReceiver.Key, "--webhook-secret", WebhookReceiver.Secret);
        await using var survivor = await WebhookTests.StartNodeAsync(receiver, redis.Configuration, prefix, configureBuilder: builder =>
            builder.Services.Configure<PresenceOptions>(o =>
            {
                o.HeartbeatInterval = TimeSpan.FromMilliseconds(HeartbeatMs);
                o.MemberTimeout = TimeSpan.FromMilliseconds(TimeoutMs);
            }));
        var ghosts = TestChannels.Unique("ghosts");
        var shared = TestChannels.Unique("shared");
        var room = $"presence-room.{Guid.NewGuid():N}";
        var doomedUrl = new Uri(doomed.BaseAddress, "/hubs/test");
        var living = await survivor.ConnectAsync(accessToken: "alice;Alice;");
        await living.SubscribeAsync(shared);
        await living.SubscribeAsync(room);
        for (var i = 0; i < 3; i++)
        {
            // Ghost 0 has a second tab on the survivor: it stays a member.
            var ghost = await ChannelsTestClient.ConnectAsync(doomedUrl, HttpTransportType.WebSockets, WireProtocol.Json, accessToken: $"ghost-{i};Ghost;");
            await ghost.SubscribeAsync(ghosts);
            await ghost.SubscribeAsync(shared);
            await ghost.SubscribeAsync(room);
        }

        var tab = await survivor.ConnectAsync(accessToken: "ghost-0;Ghost;");
        await tab.SubscribeAsync(room);
        await receiver.WaitForAsync("channel_occupied", ghosts);
        await receiver.WaitForAsync("member_added", room, "ghost-2");
        // Delivered events leave the outbox; one still there when the node dies would be sent again (at least once).
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        await Poll.UntilAsync(async () => await OutboxSizeAsync(connection, prefix) == 0, "the delivered events left the outboxes");

        doomed.Kill();

        // Expiry is the passing of MemberTimeout on real clocks of two processes: nothing to await but the webhooks.
        await receiver.WaitForAsync("channel_vacated", ghosts);
        await receiver.WaitForAsync("member_removed", room, "ghost-1");
        await receiver.WaitForAsync("member_removed", room, "ghost-2");
        var delivered = await WebhookTests.FlushAsync(receiver, survivor);

        Assert.Equal(
            [
                $"channel_occupied {ghosts}",
                $"channel_occupied {room}",
                $"channel_occupied {shared}",
                $"channel_vacated {ghosts}",
                $"member_added {room} alice",
                $"member_added {room} ghost-0",
                $"member_added {room} ghost-1",
                $"member_added {room} ghost-2",
                $"member_removed {room} ghost-1",
                $"member_removed {room} ghost-2",
            ],
            delivered.Where(e => e.Channel is var c && (c == ghosts || c == shared || c == room)).Select(e => e.What).Order(StringComparer.Ordinal));
        Assert.Equal(delivered.Length, delivered.Select(e => e.Id).Distinct().Count());
        Assert.Equal(0, receiver.Rejected);
    }

    [Fact]
    public async Task KilledNode_ItsUndeliveredEvents_AreSentByTheNodeThatSweepsIt_WithTheirIds()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailAll = 503;
        var prefix = RedisFixture.NewPrefix();
        await using var doomed = await ServerProcess.StartAsync(
            redis.Configuration, prefix, HeartbeatMs, TimeoutMs,
            "--webhook-url", receiver.Url.ToString(), "--webhook-key", WebhookReceiver.Key, "--webhook-secret", WebhookReceiver.Secret);
        await using var survivor = await WebhookTests.StartNodeAsync(receiver, redis.Configuration, prefix, configureBuilder: builder =>
            builder.Services.Configure<PresenceOptions>(o =>
            {
                o.HeartbeatInterval = TimeSpan.FromMilliseconds(HeartbeatMs);
                o.MemberTimeout = TimeSpan.FromMilliseconds(TimeoutMs);
            }));
        var orphan = TestChannels.Unique("orphan");
        var client = await ChannelsTestClient.ConnectAsync(new Uri(doomed.BaseAddress, "/hubs/test"), HttpTransportType.WebSockets, WireProtocol.Json);
        await client.SubscribeAsync(orphan);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        await Poll.UntilAsync(
            async () => receiver.Batches.Any(b => b.Status == 503 && b.Events.Any(e => e.Channel == orphan)) && await OutboxSizeAsync(connection, prefix) == 1,
            "the doomed node tried, failed, and keeps the event in its outbox");
        var refused = receiver.Batches.First(b => b.Events.Any(e => e.Channel == orphan)).Events.Single(e => e.Channel == orphan);

        doomed.Kill();
        receiver.FailAll = null;

        var occupied = await receiver.WaitForAsync("channel_occupied", orphan);
        await receiver.WaitForAsync("channel_vacated", orphan);
        Assert.Equal(refused.Id, occupied.Id);
        Assert.Single(receiver.Delivered, e => e.Channel == orphan && e.Name == "channel_occupied");
        await Poll.UntilAsync(async () => await OutboxSizeAsync(connection, prefix) == 0, "the sweeper's outbox is empty once it delivered");
    }

    [Fact]
    public async Task StoppedNode_RestartedWithItsNodeId_SendsWhatItHadLeft_WithTheSameIds()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailAll = 503;
        var prefix = RedisFixture.NewPrefix();
        var nodeId = "restarted-" + Guid.NewGuid().ToString("N");
        void Configure(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder)
        {
            builder.Services.Configure<PresenceOptions>(o => o.NodeId = nodeId);
            // Stopping gives up on the queue at once: the retry below would otherwise wait for a minute.
            builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.Zero);
        }

        var news = TestChannels.Unique("news");
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var first = await WebhookTests.StartNodeAsync(receiver, redis.Configuration, prefix, o => o.RetryBaseDelay = TimeSpan.FromMinutes(1), Configure);
        await using (first)
        {
            var client = await first.ConnectAsync();
            await client.SubscribeAsync(news);
            await Poll.UntilAsync(
                async () => receiver.Batches.Any(b => b.Events.Any(e => e.Channel == news)) && await OutboxSizeAsync(connection, prefix) == 1,
                "the node tried, failed, and keeps the event in its outbox");
        }

        var refused = receiver.Batches.First(b => b.Events.Any(e => e.Channel == news)).Events.Single(e => e.Channel == news);
        // The stop left the event (and the vacated one the disconnect raised) in the outbox for whoever comes next.
        Assert.True(await OutboxSizeAsync(connection, prefix) >= 1);
        receiver.FailAll = null;

        await using var second = await WebhookTests.StartNodeAsync(receiver, redis.Configuration, prefix, configureBuilder: Configure);
        var occupied = await receiver.WaitForAsync("channel_occupied", news);
        Assert.Equal(refused.Id, occupied.Id);
        await Poll.UntilAsync(async () => await OutboxSizeAsync(connection, prefix) == 0, "the outbox is empty once the restarted node delivered");
    }

    private static async Task<long> OutboxSizeAsync(ConnectionMultiplexer connection, string prefix)
    {
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        long size = 0;
        foreach (var key in server.Keys(pattern: $"{prefix}:wh:n:*"))
        {
            size += await connection.GetDatabase().HashLengthAsync(key);
        }

        return size;
    }
}
