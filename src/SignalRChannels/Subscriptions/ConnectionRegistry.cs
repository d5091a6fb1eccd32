using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace SignalRChannels.Subscriptions;

/// <summary>
/// This node's live channel connections, by connection id and by user id (so revoking a user touches only
/// that user's connections). Thread-safe.
/// </summary>
internal sealed class ConnectionRegistry(IOptions<ChannelsOptions> options)
{
    private readonly ConcurrentDictionary<string, ConnectionChannels> _connections = new(StringComparer.Ordinal);
    // Connects and disconnects are rare next to invocations; one lock keeps the index simple and exact.
    private readonly Dictionary<string, List<ConnectionChannels>> _byUser = new(StringComparer.Ordinal);
    private readonly ChannelsOptions _options = options.Value;

    // Per process: aliases only need to be stable for the life of a connection, which lives on one node.
    private readonly byte[] _aliasKey = RandomNumberGenerator.GetBytes(32);

    public int Count => _connections.Count;

    /// <summary>
    /// Registers a connection, unless its user already holds <see cref="ChannelsOptions.MaxConnectionsPerUser"/> here.
    /// </summary>
    public bool TryAdd(string connectionId, string? userId)
    {
        var limiter = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = _options.WhisperPermitLimit,
            Window = _options.WhisperWindow,
            QueueLimit = 0,
            // No timer per connection (it woke the thread pool every window for every connection, idle or not; at
            // 200 connections that was 2/3 of an idle node's CPU): the window is renewed when a whisper asks.
            AutoReplenishment = false,
        });
        var connection = new ConnectionChannels(connectionId, userId, AliasOf(connectionId), limiter);
        if (userId is not null)
        {
            lock (_byUser)
            {
                if (!_byUser.TryGetValue(userId, out var list))
                {
                    _byUser[userId] = list = [];
                }
                else if (list.Count >= _options.MaxConnectionsPerUser)
                {
                    connection.Dispose();
                    return false;
                }

                list.Add(connection);
            }
        }

        _connections[connectionId] = connection;
        return true;
    }

    /// <summary>An opaque name for an anonymous connection: a keyed hash, so the connection id cannot be derived from it.</summary>
    private string AliasOf(string connectionId)
    {
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_aliasKey, Encoding.UTF8.GetBytes(connectionId), hash);
        return "anon-" + Base64Url.EncodeToString(hash[..12]);
    }

    public bool TryRemove(string connectionId, out ConnectionChannels connection)
    {
        if (!_connections.TryRemove(connectionId, out connection!))
        {
            return false;
        }

        if (connection.UserId is { } userId)
        {
            lock (_byUser)
            {
                if (_byUser.TryGetValue(userId, out var list) && list.Remove(connection) && list.Count == 0)
                {
                    _byUser.Remove(userId);
                }
            }
        }

        return true;
    }

    public bool TryGet(string connectionId, out ConnectionChannels connection) =>
        _connections.TryGetValue(connectionId, out connection!);

    /// <summary>The connection of a caller, or <c>unavailable</c> when it is closing (no longer registered).</summary>
    public ConnectionChannels Get(string connectionId) =>
        _connections.TryGetValue(connectionId, out var connection)
            ? connection
            : throw new ChannelException(ChannelErrorCodes.Unavailable, "the connection is closing");

    /// <summary>The channels a connection of this node is subscribed to; none when it is not connected here.</summary>
    public IReadOnlyCollection<ChannelName> SubscriptionsOf(string connectionId) =>
        _connections.TryGetValue(connectionId, out var connection) ? connection.Snapshot() : [];

    /// <summary>Every channel some connection of this node is subscribed to.</summary>
    public HashSet<ChannelName> SubscribedChannels() => [.. SubscribersByChannel(static _ => true).Keys];

    /// <summary>This node's subscribers of each channel that <paramref name="include"/> selects.</summary>
    public Dictionary<ChannelName, List<string>> SubscribersByChannel(Func<ChannelName, bool> include)
    {
        var subscribers = new Dictionary<ChannelName, List<string>>();
        foreach (var connection in _connections.Values)
        {
            foreach (var channel in connection.Snapshot())
            {
                if (include(channel))
                {
                    if (!subscribers.TryGetValue(channel, out var list))
                    {
                        subscribers[channel] = list = [];
                    }

                    list.Add(connection.ConnectionId);
                }
            }
        }

        return subscribers;
    }

    /// <summary>Every live connection of this node.</summary>
    public ConnectionChannels[] All() => _connections.Values.ToArray();

    /// <summary>The live connections of one user on this node.</summary>
    public ConnectionChannels[] OfUser(string userId)
    {
        lock (_byUser)
        {
            return _byUser.TryGetValue(userId, out var list) ? list.ToArray() : [];
        }
    }
}
