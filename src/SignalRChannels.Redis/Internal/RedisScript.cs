using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace SignalRChannels.Redis.Internal;

/// <summary>
/// A Lua script called by its SHA1 (<c>EVALSHA</c>), computed once. StackExchange.Redis' <c>ScriptEvaluateAsync(string)</c>
/// looks the script's text up in its cache on every call, hashing the whole text each time: 1 % of a history server's CPU
/// on Redis, where every publish is a script call (docs/performance.md). Every script of the Redis stores is called so.
/// </summary>
internal sealed class RedisScript(string text)
{
    /// <summary>The script.</summary>
    public string Text { get; } = text;

    /// <summary>Its SHA1, the name Redis caches it under.</summary>
    public byte[] Hash { get; } = SHA1.HashData(Encoding.UTF8.GetBytes(text));

    /// <summary>Runs the script; when Redis does not have it (restarted, <c>SCRIPT FLUSH</c>), sends its text, which Redis caches again.</summary>
    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[]? keys = null, RedisValue[]? values = null)
    {
        try
        {
            return await database.ScriptEvaluateAsync(Hash, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            // NOSCRIPT: nothing ran, so sending it again cannot run it twice.
            return await database.ScriptEvaluateAsync(Text, keys, values).ConfigureAwait(false);
        }
    }
}
