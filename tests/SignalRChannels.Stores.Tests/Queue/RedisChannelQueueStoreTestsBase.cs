using Microsoft.Extensions.Logging.Abstractions;
using SignalRChannels.Redis;
using SignalRChannels.Redis.Internal;
using SignalRChannels.Specification.Tests.Queue;

namespace SignalRChannels.Stores.Tests.Queue;

/// <summary>
/// The queue contract on the Redis store against a real Redis, plus what is particular to Redis; each test has its own
/// key prefix (on a cluster, one that puts the first three partitions on three different masters).
/// </summary>
public abstract class RedisChannelQueueStoreTestsBase : ChannelQueueStoreSpecification, IAsyncLifetime
{
    private readonly IRedisTarget _redis;
    private readonly string _prefix;
    private readonly RedisChannelQueueStore _store;
    private readonly List<RedisChannelQueueStore> _others = [];

    protected RedisChannelQueueStoreTestsBase(IRedisTarget redis)
    {
        _redis = redis;
        _prefix = redis.NewPrefix("spec", p => RedisKeys.QueuePartition(p, 0), p => RedisKeys.QueuePartition(p, 1), p => RedisKeys.QueuePartition(p, 2));
        _store = NewStore(Options);
    }

    protected override IChannelQueueStore Store => _store;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        foreach (var other in _others)
        {
            await other.DisposeAsync();
        }

        await TestRedis.DeleteKeysAsync(_redis.Connection, _prefix);
    }

    [Fact]
    public async Task EventHeldByAStoreThatStopped_IsHandedOutByTheNextOwner()
    {
        await _store.EnqueueAsync(Event("orders.1", 1), default);
        var held = await ReadAsync(1);
        var next = NewStore(Options);

        // The first store stops without acknowledging (its node shuts down mid-delivery) and hands its partition over.
        await _store.DisposeAsync();
        var claimed = new List<QueuedChannelEvent>();
        await Poll.UntilAsync(async () => (claimed = [.. claimed, .. await next.ReadAsync(10, default)]).Count > 0, "the next owner handed out the held event");

        Assert.Equal(held[0].Id, Assert.Single(claimed).Id);
    }

    [Fact]
    public async Task Read_EventsOfEveryPartition_AreAllHandedOutInOrderPerChannel()
    {
        var options = Options;
        options.Partitions = 3;
        options.Capacity = 300;
        var store = NewStore(options);
        var channels = Enumerable.Range(0, 3)
            .Select(p => Enumerable.Range(1, 100).Select(i => $"orders.{i}").First(c => RedisChannelQueueStore.PartitionOf(c, 3) == p))
            .ToArray();
        var queued = Enumerable.Range(0, 12).Select(i => Event(channels[i % 3], i)).ToArray();
        foreach (var e in queued)
        {
            await store.EnqueueAsync(e, default).DefaultTimeout();
        }

        var read = new List<QueuedChannelEvent>();
        await Poll.UntilAsync(async () => (read = [.. read, .. await store.ReadAsync(12, default)]).Count >= queued.Length, "every partition's events were read");
        foreach (var e in read)
        {
            await store.AcknowledgeAsync(e, default).DefaultTimeout();
        }

        Assert.Equal(queued.Select(e => e.Id).Order(), read.Select(e => e.Id).Order());
        foreach (var channel in channels)
        {
            Assert.Equal(queued.Where(e => e.Channel == channel).Select(e => e.Id), read.Where(e => e.Channel == channel).Select(e => e.Id));
        }

        var database = _redis.Connection.GetDatabase();
        var lengths = await Task.WhenAll(Enumerable.Range(0, 3).Select(p => database.StreamLengthAsync(RedisKeys.QueuePartition(_prefix, p)))).DefaultTimeout();
        Assert.All(lengths, length => Assert.Equal(0, length));
    }

    private RedisChannelQueueStore NewStore(QueuedBroadcastingOptions options)
    {
        var store = new RedisChannelQueueStore(
            new RedisConnection(_redis.Connection),
            Microsoft.Extensions.Options.Options.Create(new ChannelsRedisOptions { Configuration = "unused", Prefix = _prefix }),
            Microsoft.Extensions.Options.Options.Create(options),
            TimeProvider.System,
            NullLogger<RedisChannelQueueStore>.Instance);
        if (_store is not null)
        {
            _others.Add(store);
        }

        return store;
    }
}
