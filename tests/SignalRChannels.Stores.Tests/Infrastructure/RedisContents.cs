using StackExchange.Redis;

namespace SignalRChannels.Stores.Tests.Infrastructure;

/// <summary>Everything Redis holds under a key prefix, flattened to lines, to assert what is (not) left behind.</summary>
public static class RedisContents
{
    public static async Task<IReadOnlyList<string>> DumpAsync(IConnectionMultiplexer redis, string prefix)
    {
        var database = redis.GetDatabase();
        var lines = new List<string>();
        foreach (var server in redis.GetServers())
        {
            await foreach (var key in server.KeysAsync(pattern: prefix + ":*", pageSize: 1000))
            {
                var type = await database.KeyTypeAsync(key);
                switch (type)
                {
                    case RedisType.Hash:
                        lines.AddRange((await database.HashGetAllAsync(key)).Select(e => $"{key} {e.Name} {e.Value}"));
                        break;
                    case RedisType.Set:
                        lines.AddRange((await database.SetMembersAsync(key)).Select(m => $"{key} {m}"));
                        break;
                    case RedisType.SortedSet:
                        lines.AddRange((await database.SortedSetRangeByRankWithScoresAsync(key)).Select(e => $"{key} {e.Element} {e.Score}"));
                        break;
                    default:
                        lines.Add($"{key} ({type})");
                        break;
                }
            }
        }

        return lines;
    }
}
