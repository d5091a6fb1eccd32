using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SignalRChannels.Pusher.Internal;

/// <summary>Socket ids in Pusher's shape, <c>&lt;digits&gt;.&lt;digits&gt;</c>, from a cryptographic RNG (about 106 bits).</summary>
internal static class PusherSocketIds
{
    private const ulong Mask = (1UL << 53) - 1;

    public static string Create()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        var high = BinaryPrimitives.ReadUInt64LittleEndian(bytes) & Mask;
        var low = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]) & Mask;
        return $"{high}.{low}";
    }

    /// <summary>Whether a value has the shape <c>\d+\.\d+</c> (at most 40 characters).</summary>
    public static bool IsWellFormed(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 40)
        {
            return false;
        }

        var dot = value.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < value.Length - 1
            && value.AsSpan(0, dot).ContainsAnyExceptInRange('0', '9') == false
            && value.AsSpan(dot + 1).ContainsAnyExceptInRange('0', '9') == false;
    }
}
