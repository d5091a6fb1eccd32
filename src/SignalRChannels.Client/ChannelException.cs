using Microsoft.AspNetCore.SignalR;

namespace SignalRChannels.Client;

/// <summary>
/// A failed channel operation, with the protocol's error code parsed from the server's message
/// (<c>…HubException: &lt;code&gt;: &lt;detail&gt;</c>). Compare <see cref="Code"/> with <see cref="ChannelErrorCodes"/>.
/// </summary>
public sealed class ChannelException : Exception
{
    private const string HubExceptionMarker = "HubException: ";

    /// <summary>Creates an exception.</summary>
    /// <param name="code">A <see cref="ChannelErrorCodes"/> value.</param>
    /// <param name="detail">What went wrong, after the code.</param>
    /// <param name="channel">The channel the operation was about, if any.</param>
    /// <param name="innerException">The exception that carried the message, if any.</param>
    public ChannelException(string code, string detail, string? channel = null, Exception? innerException = null)
        : base(code == ChannelErrorCodes.Unknown ? detail : $"{code}: {detail}", innerException)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        Code = code;
        Detail = detail;
        Channel = channel;
    }

    /// <summary>The protocol code, one of <see cref="ChannelErrorCodes"/>.</summary>
    public string Code { get; }

    /// <summary>The server's message after the code (the whole message when the code is <see cref="ChannelErrorCodes.Unknown"/>).</summary>
    public string Detail { get; }

    /// <summary>The full name of the channel the failed operation was about, if any.</summary>
    public string? Channel { get; }

    /// <summary>Parses a coded message such as <c>forbidden: subscription to 'private-x' denied</c>, with or without SignalR's prefix.</summary>
    /// <param name="message">The message.</param>
    /// <param name="channel">The channel the operation was about, if any.</param>
    /// <param name="innerException">The exception that carried the message, if any.</param>
    /// <returns>The exception; its code is <see cref="ChannelErrorCodes.Unknown"/> when the message carries none.</returns>
    public static ChannelException FromMessage(string message, string? channel = null, Exception? innerException = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var markerAt = message.LastIndexOf(HubExceptionMarker, StringComparison.Ordinal);
        var body = (markerAt >= 0 ? message[(markerAt + HubExceptionMarker.Length)..] : message).Trim();
        var colon = body.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && ChannelErrorCodes.IsKnown(body[..colon]))
        {
            return new ChannelException(body[..colon], body[(colon + 1)..].TrimStart(), channel, innerException);
        }

        return new ChannelException(ChannelErrorCodes.Unknown, message, channel, innerException);
    }

    internal static ChannelException From(HubException exception, string? channel) =>
        FromMessage(exception.Message, channel, exception);
}
