using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using SignalRChannels;
using SignalRChannels.Subscriptions;

namespace Microsoft.AspNetCore.Http;

/// <summary>Reads the <c>X-Socket-ID</c> header that clients send so the server can publish to others only.</summary>
public static class SocketIdHttpContextExtensions
{
    /// <summary>The request header that carries the caller's connection id: <c>X-Socket-ID</c>.</summary>
    public const string SocketIdHeader = "X-Socket-ID";

    /// <summary>
    /// Returns the connection id in the request's <c>X-Socket-ID</c> header, or <see langword="null"/> when the
    /// header is absent, malformed, or names a connection of this node that belongs to another user than the request's
    /// (compared by the name identifier claim; anonymous requests may name anonymous connections, whose ids are
    /// unguessable). A request cannot make the server skip somebody else's connection. Pass the result as
    /// <c>toOthers</c> to <see cref="IChannelBroadcaster.PublishAsync(string, string, object?, string?, CancellationToken)"/>. Trusted server-side publishers that forward a
    /// browser's socket id (as a Laravel backend does) pass it to the broadcaster directly instead.
    /// </summary>
    /// <param name="context">The current request.</param>
    /// <returns>The socket id, or <see langword="null"/>.</returns>
    public static string? GetSocketId(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var value = context.Request.Headers[SocketIdHeader].ToString();
        if (value.Length is 0 or > 128 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '=' or '+' or '/' or '.'))
        {
            return null;
        }

        var connections = context.RequestServices?.GetService<ConnectionRegistry>();
        if (connections is not null && connections.TryGet(value, out var connection)
            && !string.Equals(connection.UserId, context.User.FindFirstValue(ClaimTypes.NameIdentifier), StringComparison.Ordinal))
        {
            return null;
        }

        return value;
    }
}
