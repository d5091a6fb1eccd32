using System.Security.Claims;
using SignalRChannels;
using SignalRChannels.Pusher;

namespace DocsSnippets;

public sealed class ChatHub : ChannelHub
{
}

public static class PusherSnippets
{
    public static void Configure(WebApplicationBuilder builder)
    {
        #region pusher-setup
        builder.Services.AddSignalR()
            .AddChannels(channels =>
            {
                // The same routes serve SignalR clients and, through /broadcasting/auth, Echo and pusher-js.
                channels.Private("orders.{orderId}", (ClaimsPrincipal user, long orderId) =>
                    user.HasClaim("order", orderId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                channels.Presence("chat.{roomId}", (ClaimsPrincipal user) =>
                    new PresenceMember(user.FindFirstValue(ClaimTypes.NameIdentifier)!, new { name = user.Identity!.Name }));
                // cache- channels answer a subscribe with their last event: give them a history of one.
                channels.History("cache-*", size: 1, ttl: TimeSpan.FromHours(1));
            })
            .AddPusherProtocol(pusher =>
            {
                // The first app is the default: its channels are the channels SignalR clients see.
                pusher.Apps.Add(new PusherApp
                {
                    Id = builder.Configuration["Pusher:AppId"]!,
                    Key = builder.Configuration["Pusher:Key"]!,
                    Secret = builder.Configuration["Pusher:Secret"]!,
                });
            })
            .AddRedis(builder.Configuration.GetConnectionString("Redis")); // optional: scale-out
        #endregion
    }

    public static void Map(WebApplication app)
    {
        #region pusher-map
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapChannelHub<ChatHub>("/hubs/chat");   // SignalR clients (optional)
        app.MapPusherProtocol<ChatHub>();           // ws://host/app/{key} and the HTTP API /apps/{id}/…
        app.MapPusherAuthEndpoint();                // POST /broadcasting/auth, running the routes above
        #endregion
    }
}
