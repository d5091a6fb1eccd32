using StackExchange.Redis;

namespace SignalRChannels.Stores.Tests.Cluster;

/// <summary>
/// The cluster the cluster variants run on is one: three masters sharing the slots, spread prefixes that really land on
/// three masters, and a script or command over keys of two slots refused, so the store tests would catch such a mistake.
/// </summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class RedisClusterFixtureTests(RedisClusterFixture redis)
{
    [Fact]
    public async Task Cluster_HasThreeMastersCoveringEverySlot()
    {
        var masters = redis.Connection.GetServers().Where(s => !s.IsReplica).ToArray();
        var configuration = masters[0].ClusterConfiguration!;

        Assert.Equal(3, masters.Length);
        Assert.All(masters, m => Assert.True(m.ServerType == ServerType.Cluster, $"{m.EndPoint} is {m.ServerType}"));
        Assert.Equal(16384, configuration.Nodes.Where(n => !n.IsReplica).Sum(n => n.Slots.Sum(r => r.To - r.From + 1)));
        Assert.Contains("cluster_state:ok", (string?)await masters[0].ExecuteAsync("CLUSTER", "INFO"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpreadPrefix_PutsTheKeysOnThreeMasters_AndScriptsOverTwoOfThemAreRefused()
    {
        var prefix = redis.NewPrefix("spread", p => p + ":a", p => p + ":b", p => p + ":c");
        var database = redis.Connection.GetDatabase();
        RedisKey[] keys = [prefix + ":a", prefix + ":b", prefix + ":c"];

        Assert.Equal(3, keys.Select(k => database.IdentifyEndpoint(k)?.ToString()).Distinct().Count());

        // Declared keys of two slots: StackExchange.Redis refuses before sending.
        var declared = await Assert.ThrowsAsync<RedisCommandException>(() =>
            database.ScriptEvaluateAsync("return redis.call('EXISTS', KEYS[1], KEYS[2])", [keys[0], keys[1]]).DefaultTimeout());
        Assert.Contains("single slot", declared.Message, StringComparison.Ordinal);

        // A key the script builds itself, on another master: the server refuses it.
        var undeclared = await Assert.ThrowsAsync<RedisServerException>(() =>
            database.ScriptEvaluateAsync("return redis.call('EXISTS', ARGV[1])", [keys[0]], [(string)keys[1]!]).DefaultTimeout());
        Assert.Contains("non local key", undeclared.Message, StringComparison.Ordinal);
    }
}
