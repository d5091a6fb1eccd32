using SignalRChannels;

namespace Microsoft.AspNetCore.Http;

/// <summary>Reads the <c>X-Socket-ID</c> header that clients send so the server can publish to others only.</summary>
public static class SocketIdHttpContextExtensions
{
    /// <summary>The request header that carries the caller's connection id: <c>X-Socket-ID</c>.</summary>
    public const string SocketIdHeader = "X-Socket-ID";

    /// <summary>
    /// Returns the connection id in the request's <c>X-Socket-ID</c> header, or <see langword="null"/> when the
    /// header is absent or malformed. Pass it as <c>toOthers</c> to <see cref="IChannelBroadcaster.PublishAsync"/>.
    /// </summary>
    /// <param name="context">The current request.</param>
    /// <returns>The socket id, or <see langword="null"/>.</returns>
    public static string? GetSocketId(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var value = context.Request.Headers[SocketIdHeader].ToString();
        return value.Length is > 0 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '=' or '+' or '/')
            ? value
            : null;
    }
}
