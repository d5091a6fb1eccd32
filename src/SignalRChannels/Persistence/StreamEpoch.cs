using System.Security.Cryptography;

namespace SignalRChannels;

/// <summary>
/// Epochs of history streams, for <see cref="IChannelEventStore"/> implementations, so every store behaves alike:
/// a stream that is lost and created again gets a new random epoch, which tells clients their offsets are stale.
/// </summary>
public static class StreamEpoch
{
    /// <summary>
    /// How long the epoch of a stream with no events yet is kept after its position was last read: 2 minutes. Short,
    /// so subscribing to channels that are never published to leaves no lasting state; a node keeps reading the
    /// position of such a channel while it has a subscriber of it, so that subscriber's epoch is still the one the first
    /// event gets, and a client that reconnects within these 2 minutes still recovers.
    /// </summary>
    public static readonly TimeSpan EmptyStreamTtl = TimeSpan.FromMinutes(2);

    private const int Length = 8;

    // 36^8 (about 2.8e12) values: a lost stream reborn under its old epoch would make stale offsets look valid.
    private static ReadOnlySpan<char> Alphabet => "0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>A new random epoch: 8 characters of <c>[0-9a-z]</c> from a cryptographic random source.</summary>
    /// <returns>The epoch.</returns>
    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);
}
