using System.Security.Claims;
using System.Threading.RateLimiting;

namespace SignalRChannels.Internal;

/// <summary>
/// One connection's subscriptions (with the presence member each was authorized as) and its whisper
/// rate limiter. Methods are thread-safe.
/// </summary>
internal sealed class ConnectionChannels(string connectionId, string? userIdentifier, ClaimsPrincipal? user, RateLimiter whisperLimiter) : IDisposable
{
    private readonly Dictionary<ChannelName, PresenceMember?> _channels = [];

    public string ConnectionId { get; } = connectionId;

    public string? UserIdentifier { get; } = userIdentifier;

    public ClaimsPrincipal? User { get; } = user;

    public RateLimiter WhisperLimiter { get; } = whisperLimiter;

    public bool TryGet(ChannelName channel, out PresenceMember? member)
    {
        lock (_channels)
        {
            return _channels.TryGetValue(channel, out member);
        }
    }

    /// <summary>Adds or refreshes a subscription unless the limit is reached.</summary>
    public bool TryAdd(ChannelName channel, PresenceMember? member, int limit)
    {
        lock (_channels)
        {
            if (!_channels.ContainsKey(channel) && _channels.Count >= limit)
            {
                return false;
            }

            _channels[channel] = member;
            return true;
        }
    }

    public bool Remove(ChannelName channel)
    {
        lock (_channels)
        {
            return _channels.Remove(channel);
        }
    }

    public ChannelName[] RemoveMatching(ChannelPattern pattern)
    {
        lock (_channels)
        {
            var matched = _channels.Keys.Where(pattern.IsMatch).ToArray();
            foreach (var channel in matched)
            {
                _channels.Remove(channel);
            }

            return matched;
        }
    }

    public ChannelName[] RemoveAll()
    {
        lock (_channels)
        {
            var all = _channels.Keys.ToArray();
            _channels.Clear();
            return all;
        }
    }

    public ChannelName[] Snapshot()
    {
        lock (_channels)
        {
            return _channels.Keys.ToArray();
        }
    }

    public void Dispose() => WhisperLimiter.Dispose();
}
