using System.Security.Claims;
using ChannelsApp;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using SignalRChannels;

var builder = WebApplication.CreateBuilder(args);

// Who is who. The page signs in with a cookie, which its WebSocket carries. Other clients (Node, .NET services) get a
// bearer token from POST /token and send it in the Authorization header, or as ?access_token=… on WebSockets and
// Server-Sent Events, where a browser cannot set headers (the SignalR clients do that by themselves). Both stand in
// for your real identity provider (a JWT bearer reads access_token the same way: see docs/getting-started.md).
const string CookieOrBearer = "CookieOrBearer";
builder.Services.AddAuthentication(CookieOrBearer)
    .AddPolicyScheme(CookieOrBearer, "Cookie or bearer token", options =>
        options.ForwardDefaultSelector = context =>
            context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal)
            || context.Request.Query.ContainsKey("access_token")
                ? BearerTokenDefaults.AuthenticationScheme
                : CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(options => options.Events.OnRedirectToLogin = context =>
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    })
    .AddBearerToken(options => options.Events.OnMessageReceived = context =>
    {
        if (context.Request.Path.StartsWithSegments("/hubs") && context.Request.Query["access_token"] is { Count: > 0 } token)
        {
            context.Token = token;
        }

        return Task.CompletedTask;
    });
builder.Services.AddAuthorization();

builder.Services.AddSignalR()
    .AddChannels(channels =>
    {
        // private-notifications.{userId}: that user only. Channels are denied unless a route allows them.
        channels.Private("notifications.{userId}", (ClaimsPrincipal user, string userId) =>
            user.FindFirstValue(ClaimTypes.NameIdentifier) == userId);

        // presence-chat.{room}: any signed-in user. The member is who the server says, never what the client sent.
        channels.Presence("chat.{room}", (ClaimsPrincipal user) =>
            user.FindFirstValue(ClaimTypes.NameIdentifier) is { } id
                ? new PresenceMember(id, new { name = user.Identity!.Name })
                : null);

        // The last 100 messages of each room, for an hour: the page loads them, reconnects recover what they missed.
        channels.History("chat.*", size: 100, ttl: TimeSpan.FromHours(1));
    });
// Scale-out: add the SignalRChannels.Redis package and call .AddRedis("localhost:6379") after AddChannels.

var app = builder.Build();

app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();

// Development sign-in: any name of 1 to 32 characters. Replace with your identity provider.
app.MapPost("/login", async (HttpContext http, SignIn request) =>
{
    if (Principal(request.Name, CookieAuthenticationDefaults.AuthenticationScheme) is not { } user)
    {
        return Results.BadRequest(new { error = "a name has 1 to 32 characters" });
    }

    await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, user);
    return Results.Ok(new { id = user.FindFirstValue(ClaimTypes.NameIdentifier), name = user.Identity!.Name });
});
app.MapPost("/logout", async (HttpContext http) =>
{
    await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    return Results.Ok();
});
// { "accessToken": "…" } for clients that are not the page.
app.MapPost("/token", (SignIn request) =>
    Principal(request.Name, BearerTokenDefaults.AuthenticationScheme) is { } user
        ? Results.SignIn(user, authenticationScheme: BearerTokenDefaults.AuthenticationScheme)
        : Results.BadRequest(new { error = "a name has 1 to 32 characters" }));
app.MapGet("/me", (ClaimsPrincipal user) =>
    user.FindFirstValue(ClaimTypes.NameIdentifier) is { } id
        ? Results.Ok(new { id, name = user.Identity!.Name })
        : Results.Unauthorized());

// Server-side publish from anywhere. X-Socket-ID (the caller's client.socketId()) leaves that connection out: toOthers.
app.MapPost("/notify/{userId}", (string userId, Notice notice, HttpContext http, IChannelBroadcaster broadcaster) =>
    broadcaster.PublishAsync($"private-notifications.{userId}", "notice", new { text = notice.Text }, toOthers: http.GetSocketId()))
    .RequireAuthorization();

app.MapChannelHub<ChatHub>("/hubs/chat").RequireAuthorization();

app.Run();

static ClaimsPrincipal? Principal(string? name, string scheme)
{
    name = name?.Trim();
    if (string.IsNullOrEmpty(name) || name.Length > 32)
    {
        return null;
    }

    var id = name.ToLowerInvariant();
    return new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Name, name)], scheme));
}

/// <summary>The body of /login and /token.</summary>
internal sealed record SignIn(string? Name);

/// <summary>The body of /notify.</summary>
internal sealed record Notice(string Text);
