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

    // Random bytes are taken from the cryptographic source a block at a time, per thread: a store passes a candidate
    // epoch with every append (it is used only when the stream has to start over), and one call into the source per
    // append was 1.5 % of a history server's CPU on Redis (docs/performance.md).
    private const int BlockSize = 512;

    // The largest multiple of the alphabet's length in a byte: bytes at or above it are skipped, so no character is favoured.
    private const int Unbiased = 256 - (256 % 36);

    [ThreadStatic]
    private static byte[]? t_block;

    [ThreadStatic]
    private static int t_next;

    /// <summary>A new random epoch: 8 characters of <c>[0-9a-z]</c> from a cryptographic random source.</summary>
    /// <returns>The epoch.</returns>
    public static string New() => string.Create(Length, 0, static (chars, _) =>
    {
        var filled = 0;
        while (filled < chars.Length)
        {
            var value = NextByte();
            if (value < Unbiased)
            {
                chars[filled++] = Alphabet[value % Alphabet.Length];
            }
        }
    });

    private static byte NextByte()
    {
        if (t_block is null || t_next == BlockSize)
        {
            t_block ??= new byte[BlockSize];
            RandomNumberGenerator.Fill(t_block);
            t_next = 0;
        }

        return t_block[t_next++];
    }
}
