using System.Security.Cryptography;
using System.Text;

namespace SignalRChannels.Pusher.Internal;

/// <summary>Pusher's HMAC-SHA256 signatures, compared in constant time.</summary>
internal static class PusherSignatures
{
    /// <summary>Lower-case hex HMAC-SHA256 of <paramref name="message"/> with <paramref name="secret"/>.</summary>
    public static string Sign(string secret, string message) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(message)));

    /// <summary>The string to sign for a channel subscription: <c>socket_id:channel[:channel_data]</c>.</summary>
    public static string ChannelMessage(string socketId, string channel, string? channelData) =>
        channelData is null ? $"{socketId}:{channel}" : $"{socketId}:{channel}:{channelData}";

    /// <summary>The <c>auth</c> value of a subscription: <c>key:signature</c>.</summary>
    public static string ChannelAuth(PusherApp app, string socketId, string channel, string? channelData) =>
        app.Key + ":" + Sign(app.Secret, ChannelMessage(socketId, channel, channelData));

    /// <summary>Checks a subscription's <c>auth</c> over the exact <paramref name="channelData"/> received.</summary>
    public static bool VerifyChannelAuth(PusherApp app, string socketId, string channel, string? channelData, string? auth)
    {
        if (auth is null)
        {
            return false;
        }

        var expected = ChannelAuth(app, socketId, channel, channelData);
        return FixedTimeEquals(expected, auth);
    }

    public static bool FixedTimeEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));

    /// <summary>The shared secret of a <c>private-encrypted-</c> channel: SHA-256 of the channel name and the master key.</summary>
    public static string SharedSecret(string channel, byte[] masterKey)
    {
        var name = Encoding.UTF8.GetBytes(channel);
        var input = new byte[name.Length + masterKey.Length];
        name.CopyTo(input, 0);
        masterKey.CopyTo(input, name.Length);
        return Convert.ToBase64String(SHA256.HashData(input));
    }
}
