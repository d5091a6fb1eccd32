using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;

namespace SignalRChannels.Pusher.Internal;

/// <summary>
/// The caller of an authorization route run by <c>/broadcasting/auth</c>: the HTTP request's user, and the Pusher
/// socket id as the connection id (the connection that will subscribe).
/// </summary>
internal sealed class HttpCallerContext(HttpContext http, string socketId) : HubCallerContext
{
    public override string ConnectionId { get; } = socketId;

    public override string? UserIdentifier => http.User.FindFirst(ClaimTypes.NameIdentifier)?.Value;

    public override ClaimsPrincipal? User => http.User;

    public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();

    public override IFeatureCollection Features => http.Features;

    public override CancellationToken ConnectionAborted => http.RequestAborted;

    public override void Abort()
    {
    }
}
