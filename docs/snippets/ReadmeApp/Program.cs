#region readme-app
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using SignalRChannels;

var builder = WebApplication.CreateBuilder(args);

// Who is who: a sign-in cookie, which a browser's WebSocket carries. For JWT bearer tokens (sent as
// ?access_token= on WebSockets) see docs/getting-started.md.
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
builder.Services.AddAuthorization();

builder.Services.AddSignalR()
    .AddChannels(channels =>
    {
        // Laravel: Broadcast::channel('orders.{orderId}', fn ($user, $orderId) => ...)
        channels.Private("orders.{orderId}", (ClaimsPrincipal user, int orderId) =>
            user.HasClaim("order", orderId.ToString()));
        // presence-chat.1: the member is whoever the server says, never what the client sent
        channels.Presence("chat.{roomId}", (ClaimsPrincipal user) =>
            user.Identity?.IsAuthenticated == true
                ? new PresenceMember(user.FindFirstValue(ClaimTypes.NameIdentifier)!, new { name = user.Identity.Name })
                : null);
        // offsets, GetHistory and gap-free recovery after reconnects
        channels.History("chat.*", size: 200, ttl: TimeSpan.FromHours(1));
    });

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles(); // wwwroot/: the app's pages and scripts
app.UseAuthentication();
app.UseAuthorization();

// Development sign-in (POST /login?name=ada): replace with your identity provider.
app.MapPost("/login", (string name) => Results.SignIn(
    new ClaimsPrincipal(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, name), new Claim(ClaimTypes.Name, name), new Claim("order", "42")],
        CookieAuthenticationDefaults.AuthenticationScheme)),
    authenticationScheme: CookieAuthenticationDefaults.AuthenticationScheme));

app.MapChannelHub<ChatHub>("/hubs/chat");

// Publish from anywhere (a controller, a background job); toOthers leaves out the connection that sent X-Socket-ID.
app.MapPost("/orders/{id}/ship", (int id, HttpContext http, IChannelBroadcaster broadcaster) =>
    broadcaster.PublishAsync($"private-orders.{id}", "OrderShipped", new { orderId = id }, toOthers: http.GetSocketId()))
    .RequireAuthorization();

app.Run();

public sealed class ChatHub : ChannelHub
{
    public Task SendMessage(string roomId, string text) =>
        Channels.Channel($"presence-chat.{roomId}").PublishAsync("message", new { text }, Context.ConnectionAborted);
}
#endregion
