using System.Diagnostics;
using Microsoft.Extensions.Options;
using SignalRChannels.Redis;
using SignalRChannels.Redis.Internal;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace SignalRChannels.Stores.Tests.Persistence;

/// <summary>
/// The contract on the Redis store against a real Redis, plus what is particular to Redis. Each test has its own
/// key prefix, whose keys it deletes when done; TTLs are real and short, and expiry is awaited by polling the keys.
/// </summary>
public abstract class RedisChannelEventStoreTestsBase : ChannelEventStoreSpecification, IAsyncLifetime
{
    private readonly IRedisTarget _redis;
    private readonly string _prefix;
    private readonly RedisChannelEventStore _store;

    protected RedisChannelEventStoreTestsBase(IRedisTarget redis, ITestOutputHelper output)
        : base(output)
    {
        _redis = redis;
        _prefix = redis.NewPrefix("spec");
        _store = NewStore(redis.Connection);
    }

    protected override IChannelEventStore Store => _store;

    protected override TimeSpan ShortTtl => TimeSpan.FromMilliseconds(100);

    private IDatabase Database => _redis.Connection.GetDatabase();

    public Task InitializeAsync() => Task.CompletedTask;

    // Empty streams keep their epoch for a day; without this, every run would leave such keys on the shared server.
    public Task DisposeAsync() => TestRedis.DeleteKeysAsync(_redis.Connection, _prefix).DefaultTimeout();

    protected override Task WaitUntilExpiredAsync(ChannelName channel) =>
        Poll.UntilAsync(async () => await Database.KeyExistsAsync(Keys(channel)) == 0, $"the history keys of {channel} expired");

    [Fact]
    public async Task Append_StoresFourKeysUnderThePrefix_AllExpiringByTheTtl()
    {
        await AppendAsync(Chat, 2, new HistoryPolicy(10, TimeSpan.FromMinutes(1)));

        var keys = Keys(Chat);

        Assert.Equal(
            [$"{_prefix}:h:{{chat.1}}:s", $"{_prefix}:h:{{chat.1}}:o", $"{_prefix}:h:{{chat.1}}:e", $"{_prefix}:h:{{chat.1}}:n"],
            keys.Select(k => k.ToString()));
        foreach (var key in keys)
        {
            var ttl = await Database.KeyTimeToLiveAsync(key).DefaultTimeout();
            Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task Append_RestartsTheTtlOfEveryKey()
    {
        await AppendAsync(Chat, 1, new HistoryPolicy(10, TimeSpan.FromMinutes(1)));

        await AppendAsync(Chat, 1, new HistoryPolicy(10, TimeSpan.FromMinutes(2)));

        foreach (var key in Keys(Chat))
        {
            var ttl = await Database.KeyTimeToLiveAsync(key).DefaultTimeout();
            Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(110), TimeSpan.FromMinutes(2));
        }
    }

    [Fact]
    public async Task GetPosition_NewChannel_StoresOnlyAnEpochThatExpires()
    {
        await Store.GetPositionAsync(Chat, default).DefaultTimeout();

        var keys = Keys(Chat);

        Assert.Equal(1, await Database.KeyExistsAsync(keys).DefaultTimeout());
        var ttl = await Database.KeyTimeToLiveAsync(keys[2]).DefaultTimeout();
        Assert.InRange(ttl!.Value, StreamEpoch.EmptyStreamTtl - TimeSpan.FromSeconds(10), StreamEpoch.EmptyStreamTtl);
    }

    // The server is shared with other tests, so FLUSHALL or a restart is simulated by deleting this test's keys only.
    [Fact]
    public async Task LostStream_StartsOverUnderANewEpoch_AndOldPositionsAreNotRecovered()
    {
        var before = await AppendAsync(Chat, 3);

        await Database.KeyDeleteAsync(Keys(Chat)).DefaultTimeout();
        var recovery = await Store.RecoverAsync(Chat, PositionOf(before[2]), 300, default).DefaultTimeout();
        var after = await AppendAsync(Chat, 1);

        Assert.False(recovery.Recovered);
        Assert.Equal(1, after[0].Offset);
        Assert.NotEqual(before[0].Epoch, after[0].Epoch);
        Assert.Equal(recovery.Position.Epoch, after[0].Epoch);
    }

    // The store calls its scripts by SHA1 (EVALSHA); a Redis that restarted or flushed its script cache answers NOSCRIPT.
    [Fact]
    public async Task Append_AfterRedisForgotTheScripts_SendsThemAgain()
    {
        var before = await AppendAsync(Chat, 1);

        foreach (var endpoint in _redis.Connection.GetEndPoints())
        {
            var server = _redis.Connection.GetServer(endpoint);
            if (!server.IsReplica)
            {
                await server.ExecuteAsync("SCRIPT", "FLUSH").DefaultTimeout();
            }
        }

        var after = await AppendAsync(Chat, 1);
        var page = await ReadAsync(Chat, new HistoryQuery { Limit = 10 });

        Assert.Equal((2L, before[0].Epoch), (after[0].Offset!.Value, after[0].Epoch));
        Assert.Equal([1L, 2], Offsets(page.Events));
    }

    [Theory]
    [InlineData(2, "the epoch key")]
    [InlineData(1, "the offset key")]
    public async Task PartlyLostStream_StartsOverUnderANewEpoch(int lostKey, string description)
    {
        var before = await AppendAsync(Chat, 3);

        Assert.True(await Database.KeyDeleteAsync(Keys(Chat)[lostKey]).DefaultTimeout(), description);
        var after = await AppendAsync(Chat, 2);
        var page = await ReadAsync(Chat, new HistoryQuery { Limit = 10 });

        Assert.Equal([1L, 2], after.Select(e => e.Offset!.Value));
        Assert.NotEqual(before[0].Epoch, after[0].Epoch);
        Assert.Equal([1L, 2], Offsets(page.Events));
    }

    [Fact]
    public async Task TwoNodes_TenThousandConcurrentAppendsToOneChannel_GetOffsetsOneToTenThousandExactlyOnce()
    {
        const int Total = 10_000, TasksPerNode = 50;
        await using var secondConnection = await _redis.ConnectAsync().DefaultTimeout();
        var nodes = new[] { _store, NewStore(secondConnection) };
        var policy = new HistoryPolicy(Total, TimeSpan.FromMinutes(1));
        var perTask = Total / (nodes.Length * TasksPerNode);
        var elapsed = Stopwatch.StartNew();

        var appends = nodes.SelectMany(node => Enumerable.Range(0, TasksPerNode).Select(_ => Task.Run(async () =>
        {
            var offsets = new long[perTask];
            for (var i = 0; i < perTask; i++)
            {
                offsets[i] = (await node.AppendAsync(Chat, NewEvent(Chat, i), policy, default)).Offset!.Value;
            }

            return offsets;
        })));
        var offsets = (await Task.WhenAll(appends).DefaultTimeout()).SelectMany(o => o).ToList();
        elapsed.Stop();
        Output.WriteLine($"{Total} appends from 2 nodes x {TasksPerNode} tasks in {elapsed.ElapsedMilliseconds} ms: {Total / elapsed.Elapsed.TotalSeconds:N0} events/s");

        Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), offsets.Order());
        Assert.Equal(Total, await Database.StreamLengthAsync(Keys(Chat)[0]).DefaultTimeout());
    }

    private RedisChannelEventStore NewStore(IConnectionMultiplexer connection) =>
        new(connection, Options.Create(new ChannelsRedisOptions { Prefix = _prefix }));

    private RedisKey[] Keys(ChannelName channel) => RedisKeys.History(_prefix, channel);
}
