using System.Security.Cryptography;

namespace SignalRChannels;

/// <summary>
/// Epochs of history streams, for <see cref="IChannelEventStore"/> implementations, so every store behaves alike:
/// a stream that is lost and created again gets a new random epoch, which tells clients their offsets are stale.
/// </summary>
public static class StreamEpoch
{
    /// <summary>
    /// How long the epoch of a stream with no events yet is kept after its position was last read. The position a
    /// subscriber of an idle channel got must still match the first event, yet epochs of channels that never get
    /// an event must not pile up; there is no policy to go by, since reading a position takes none.
    /// </summary>
    public static readonly TimeSpan EmptyStreamTtl = TimeSpan.FromHours(24);

    private const int Length = 8;

    // 36^8 (about 2.8e12) values: a lost stream reborn under its old epoch would make stale offsets look valid.
    private static ReadOnlySpan<char> Alphabet => "0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>A new random epoch: 8 characters of <c>[0-9a-z]</c> from a cryptographic random source.</summary>
    /// <returns>The epoch.</returns>
    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);
}
