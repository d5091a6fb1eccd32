using System.Security.Claims;
using SignalRChannels;

namespace DocsSnippets;

public interface IOrderRepository
{
    Task<bool> IsOwnerAsync(long orderId, string userId, CancellationToken cancellationToken);
}

public static class AuthorizationSnippets
{
    public static void Configure(WebApplicationBuilder builder)
    {
        #region routes
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy("Staff", policy => policy.RequireRole("staff"));

        builder.Services.AddSignalR()
            .AddChannels(channels =>
            {
                // private-orders.42: route parameters bind by name and convert (long, int, Guid, anything with TryParse).
                channels.Private("orders.{orderId}", (ClaimsPrincipal user, long orderId, IOrderRepository orders, CancellationToken ct) =>
                    orders.IsOwnerAsync(orderId, user.FindFirstValue(ClaimTypes.NameIdentifier)!, ct));

                // presence-chat.lobby: return the member (id + info) to allow, null to deny.
                channels.Presence("chat.{roomId}", (ClaimsPrincipal user, string roomId) =>
                    user.Identity?.IsAuthenticated == true
                        ? new PresenceMember(user.FindFirstValue(ClaimTypes.NameIdentifier)!, new { name = user.Identity.Name })
                        : null);

                // private-staff.anything: an ASP.NET Core policy instead of a callback.
                channels.Private("staff.*").RequireAuthorization("Staff");

                // Whispers are on for private and presence channels; turn them off where they make no sense.
                channels.DisableWhispers("orders.*");
            });
        #endregion
    }

    #region revoke
    public static Task OnRefundAsync(IChannelSubscriptionManager subscriptions, string userId, long orderId) =>
        // The user's connections on every node stop receiving the order's events and get channel:unsubscribed.
        subscriptions.RemoveUserAsync(userId, $"private-orders.{orderId}");
    #endregion
}
