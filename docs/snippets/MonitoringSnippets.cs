using Microsoft.AspNetCore.Authentication.Cookies;
using SignalRChannels;

namespace DocsSnippets;

public static class MonitoringSnippets
{
    public static void Api(WebApplicationBuilder builder)
    {
        #region monitoring-api
        builder.Services.AddAuthorization(options =>
            options.AddPolicy("channels-admin", policy => policy.RequireRole("ops")));
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        // GET /channels-api/channels?filter_by_prefix=presence-&info=user_count, /channels/{name}, /channels/{name}/users,
        // POST /channels-api/events and /batch_events, in the shapes of the Pusher HTTP API.
        app.MapChannelsApi("/channels-api", "channels-admin");
        #endregion
    }

    public static void Dashboard(WebApplicationBuilder builder)
    {
        #region monitoring-dashboard
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        builder.Services.AddAuthorization(options =>
            options.AddPolicy("channels-admin", policy => policy.RequireRole("ops")));
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapChannelHub<ChatHub>("/hubs/chat");
        // The page, its script and style, for users passing the policy; the page connects to /hubs/chat with the
        // browser's cookie and subscribes to private-signalrchannels.dashboard, which requires the policy too.
        app.MapChannelsDashboard("/channels-dashboard", "channels-admin");
        #endregion
    }

    #region monitoring-query
    public static async Task<object> DescribeAsync(IChannelsQuery query, CancellationToken cancellationToken)
    {
        var rooms = await query.GetOccupiedChannelsAsync("presence-chat.", cancellationToken);
        var lobby = await query.GetChannelAsync(ChannelName.Parse("presence-chat.lobby"), cancellationToken);
        var members = await query.GetMembersAsync(ChannelName.Parse("presence-chat.lobby"), cancellationToken);
        var aliceTabs = await query.GetUserConnectionsAsync("alice", cancellationToken);
        var nodes = await query.GetNodesAsync(cancellationToken);
        return new
        {
            rooms = rooms.Select(r => new { r.Channel, r.SubscriptionCount }),
            lobby = new { lobby.SubscriptionCount, lobby.UserCount, members = members.Select(m => m.Id) },
            alice = aliceTabs.Select(c => new { c.NodeId, c.Transport, c.ConnectedAt }),
            nodes = nodes.Select(n => new { n.NodeId, n.Connections }),
        };
    }
    #endregion
}
