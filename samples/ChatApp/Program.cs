using System.Security.Claims;
using ChatApp;
using SignalRChannels;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

var builder = WebApplication.CreateBuilder(args);

// Instances on one machine share their cookie keys, so one browser can use both in the Redis demo.
builder.Services.AddDataProtection()
    .SetApplicationName("SignalRChannels.ChatApp")
    .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(Path.GetTempPath(), "signalrchannels-chatapp-keys")));

builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(options =>
    {
        options.Cookie.Name = "chatapp.user";
        options.Events.OnRedirectToLogin = context =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        };
        options.Events.OnRedirectToAccessDenied = context =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        };
    });
// The channels HTTP API (/channels-api) and the dashboard (/channels-dashboard) are for the display names listed in
// Monitoring:Admins only.
var admins = builder.Configuration.GetSection("Monitoring:Admins").Get<string[]>() ?? [];
builder.Services.AddAuthorization(options => options.AddPolicy("channels-admin", policy =>
    policy.RequireAuthenticatedUser().RequireAssertion(context => admins.Contains(context.User.Identity?.Name, StringComparer.Ordinal))));

// Metrics: the SignalRChannels meter and SignalR's connection meter, scraped by Prometheus at /metrics;
// Monitoring:ConsoleExporter=true also prints them every 10 s.
builder.Services.AddOpenTelemetry()
    .ConfigureResource(resource => resource.AddService("chatapp"))
    .WithMetrics(metrics =>
    {
        metrics.AddMeter("SignalRChannels", "Microsoft.AspNetCore.Http.Connections").AddPrometheusExporter();
        if (builder.Configuration.GetValue<bool>("Monitoring:ConsoleExporter"))
        {
            metrics.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 10_000);
        }
    });

var channelsBuilder = builder.Services.AddSignalR()
    .AddMessagePackProtocol()
    .AddChannels(channels =>
    {
        // Rooms are presence channels: the member is the signed-in user, whatever the client claims.
        channels.Presence("chat.{room}", (ClaimsPrincipal user, string room) =>
            Rooms.Exists(room) && user.UserId() is { } id ? new PresenceMember(id, new ChatMember(user.Identity!.Name!)) : null);

        // Direct messages: only the two users named in the channel may listen.
        channels.Private("dm.{a}.{b}", (ClaimsPrincipal user, string a, string b) =>
            user.UserId() is { } me && (me == a || me == b) && a != b);

        // Each user's inbox: tells them about direct messages in conversations they have not opened yet.
        channels.Private("user.{id}", (ClaimsPrincipal user, string id) => user.UserId() == id);

        // Recent messages survive a reload and are recovered after a reconnect.
        channels.History("chat.*", size: 200, ttl: TimeSpan.FromHours(6));
        channels.History("dm.*", size: 200, ttl: TimeSpan.FromHours(6));

        // The typed channels of Contracts.cs; in Development, payloads that do not match them are refused.
        channels.AddChannelContracts(typeof(ChatRoom).Assembly, validatePayloads: builder.Environment.IsDevelopment());
    });

// Optional scale-out: set ConnectionStrings__Redis (or --ConnectionStrings:Redis=...) to share rooms across instances.
// Channels__RedisPrefix (optional) keeps the app's keys and pub/sub channels apart from other apps on the same Redis.
if (builder.Configuration.GetConnectionString("Redis") is { Length: > 0 } redis)
{
    channelsBuilder.AddRedis(options =>
    {
        options.Configuration = redis;
        if (builder.Configuration["Channels:RedisPrefix"] is { Length: > 0 } prefix)
        {
            options.Prefix = prefix;
        }
    });
}

var app = builder.Build();

app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();

app.MapPost("/api/login", async (HttpContext http, LoginRequest request) =>
{
    var name = request.Name?.Trim() ?? string.Empty;
    if (name.Length is < 1 or > 32)
    {
        return Results.BadRequest(new { error = "Choose a display name of 1 to 32 characters." });
    }

    var identity = new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, Users.IdFor(name)), new Claim(ClaimTypes.Name, name)],
        CookieAuthenticationDefaults.AuthenticationScheme);
    await http.SignInAsync(new ClaimsPrincipal(identity));
    return Results.Ok(new { id = Users.IdFor(name), name });
});
app.MapPost("/api/logout", async (HttpContext http) =>
{
    await http.SignOutAsync();
    return Results.Ok();
});
app.MapGet("/api/me", (ClaimsPrincipal user) =>
    user.UserId() is { } id ? Results.Ok(new { id, name = user.Identity!.Name, rooms = Rooms.All }) : Results.Unauthorized());

app.MapChannelHub<ChatHub>("/hubs/chat").RequireAuthorization();
app.MapChannelsApi("/channels-api", "channels-admin");
// The live dashboard, for the same admins: the page subscribes to a reserved channel that requires this policy too.
app.MapChannelsDashboard("/channels-dashboard", "channels-admin");
// Prometheus text format; expose it to the scraper only (a private port or network in production).
app.MapPrometheusScrapingEndpoint("/metrics");

app.Run();

/// <summary>The sign-in form's body.</summary>
internal sealed record LoginRequest(string? Name);

/// <summary>Lets tests start the app with WebApplicationFactory.</summary>
public partial class Program;
