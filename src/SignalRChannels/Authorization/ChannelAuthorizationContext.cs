using System.Security.Claims;

namespace SignalRChannels;

/// <summary>
/// What is being authorized: passed as the resource to authorization policies of channel routes, and
/// available to route callbacks that take a parameter of this type.
/// </summary>
public sealed class ChannelAuthorizationContext
{
    internal ChannelAuthorizationContext(ChannelName channel, ClaimsPrincipal user, string connectionId, IReadOnlyDictionary<string, string> routeValues)
    {
        Channel = channel;
        User = user;
        ConnectionId = connectionId;
        RouteValues = routeValues;
    }

    /// <summary>The channel asked for.</summary>
    public ChannelName Channel { get; }

    /// <summary>The user of the connection (unauthenticated when the connection has no user).</summary>
    public ClaimsPrincipal User { get; }

    /// <summary>The connection asking.</summary>
    public string ConnectionId { get; }

    /// <summary>The route parameters, by name (case-insensitive).</summary>
    public IReadOnlyDictionary<string, string> RouteValues { get; }
}
