using Microsoft.Extensions.Logging.Abstractions;
using SignalRChannels.Redis;
using SignalRChannels.Redis.Internal;
using SignalRChannels.Specification.Tests.Queue;

namespace SignalRChannels.Stores.Tests.Queue;

/// <summary>The queue contract on the Redis store, against a real server; each test has its own key prefix.</summary>
public sealed class RedisChannelQueueStoreTests : ChannelQueueStoreSpecification, IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly RedisFixture _redis;
    private readonly string _prefix = RedisFixture.NewPrefix();
    private readonly RedisChannelQueueStore _store;

    public RedisChannelQueueStoreTests(RedisFixture redis)
    {
        _redis = redis;
        _store = new RedisChannelQueueStore(
            new RedisConnection(redis.Connection),
            Microsoft.Extensions.Options.Options.Create(new ChannelsRedisOptions { Configuration = "unused", Prefix = _prefix }),
            Microsoft.Extensions.Options.Options.Create(Options),
            TimeProvider.System,
            NullLogger<RedisChannelQueueStore>.Instance);
    }

    protected override IChannelQueueStore Store => _store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await TestRedis.DeleteKeysAsync(_redis.Connection, _prefix);
    }

    [Fact]
    public async Task EventHeldByAStoreThatStopped_IsHandedOutByTheNextOwner()
    {
        await _store.EnqueueAsync(Event("orders.1", 1), default);
        var held = await ReadAsync(1);
        await using var next = new RedisChannelQueueStore(
            new RedisConnection(_redis.Connection),
            Microsoft.Extensions.Options.Options.Create(new ChannelsRedisOptions { Configuration = "unused", Prefix = _prefix }),
            Microsoft.Extensions.Options.Options.Create(Options),
            TimeProvider.System,
            NullLogger<RedisChannelQueueStore>.Instance);

        // The first store stops without acknowledging (its node shuts down mid-delivery) and hands its partition over.
        await _store.DisposeAsync();
        var claimed = new List<QueuedChannelEvent>();
        await Poll.UntilAsync(async () => (claimed = [.. claimed, .. await next.ReadAsync(10, default)]).Count > 0, "the next owner handed out the held event");

        Assert.Equal(held[0].Id, Assert.Single(claimed).Id);
    }
}
