using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;

namespace SignalRChannels.Subscriptions;

/// <summary>
/// Who is calling the engine: the small part of a SignalR <see cref="HubCallerContext"/> the engine needs, so it
/// can be driven (and unit-tested) without a hub or Kestrel.
/// </summary>
/// <param name="ConnectionId">The connection id.</param>
/// <param name="UserId">The user identifier (SignalR's <see cref="IUserIdProvider"/>), if any.</param>
/// <param name="User">The user; anonymous when the connection is not authenticated.</param>
/// <param name="Aborted">Cancelled when the connection closes.</param>
/// <param name="Hub">The hub context, for route callbacks that ask for it; null outside a hub.</param>
internal readonly record struct ChannelCaller(
    string ConnectionId,
    string? UserId,
    ClaimsPrincipal User,
    CancellationToken Aborted,
    HubCallerContext? Hub = null)
{
    private static readonly ClaimsPrincipal s_anonymous = new(new ClaimsIdentity());

    public static ChannelCaller From(HubCallerContext context) =>
        new(context.ConnectionId, context.UserIdentifier, context.User ?? s_anonymous, context.ConnectionAborted, context);
}
