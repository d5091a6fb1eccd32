// The server the TypeScript integration and browser tests start as a child process.
//
//   dotnet SignalRChannels.TestServer.dll --urls http://127.0.0.1:0
//       [--redis 127.0.0.1:6379 --prefix run42]      Redis scale-out (nodes sharing a prefix form one cluster)
//       [--client-bundle path/to/signalr-channels.js] served, with its directory, under /lib/
//       [--presence-heartbeat-ms 500 --presence-timeout-ms 3000]
//       [--exit-with-stdin true]                      stop when the parent closes stdin (or dies)
//       [--pusher true [--pusher-activity-timeout-ms 120000 --pusher-pong-timeout-ms 30000]]
//                                                     the Pusher protocol (/app/{key}, /apps/{id}/…, /broadcasting/auth):
//                                                     apps 1 (key test-key, secret test-secret) and 2 (second-key,
//                                                     second-secret), also under /pusher; cache-* channels keep
//                                                     their last event
//       [--https-cert server.pem --https-key server.key]  the certificate of https:// URLs (PEM files)
//       [--redis-ca ca.pem]                           trust this CA (only) for a Redis configuration with ssl=true
//       [--max-connections 100]                       the per-node connection limit (HTTP 429 past it)
//       [--graceful-drain true]                       hand presence over and refuse new connections (503) on shutdown
//       [--node-name a]                               what GET /node and the hub's Node() answer (default: the pid)
//       [--queue true [--queue-lease-ms 3000]]        queued broadcasting (IChannelQueue; in Redis with --redis) and
//                                                     POST /queue-many; queue.* channels keep 100,000 events of history
//       [--max-recovered-events 300]                  ChannelsOptions.MaxRecoveredEvents
//       [--dashboard true]                            MapChannelsDashboard at /channels-dashboard, for users with role ops
//                                                     (token or test-token cookie userId;name;ops)
//       [--webhook-url http://… --webhook-key k --webhook-secret s]  AddWebhooks: every event, core channel names
//       [--pusher-webhook-url http://…]               with --pusher: both apps' WebhookUrls (each app's own channels,
//                                                     signed with its own key and secret)
//
// Kestrel prints "Now listening on: http://127.0.0.1:<port>" once it is bound; the tests wait for that line.
using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.FileProviders;
using SignalRChannels;
using SignalRChannels.Pusher;
using SignalRChannels.TestServer.Shapes;
using SignalRChannels.TestServer;
using StackExchange.Redis;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
    WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
});
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
if (builder.Configuration["https-cert"] is { Length: > 0 } certificateFile)
{
    var certificate = X509Certificate2.CreateFromPemFile(certificateFile, builder.Configuration["https-key"]);
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
}

TestHub.NodeName = builder.Configuration["node-name"] is { Length: > 0 } nodeName ? nodeName : Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

builder.Services.AddAuthentication(TestAuthenticationHandler.SchemeName)
    .AddScheme<AuthenticationSchemeOptions, TestAuthenticationHandler>(TestAuthenticationHandler.SchemeName, configureOptions: null);
builder.Services.AddAuthorization(o => o.AddPolicy("dashboard", p => p.RequireRole("ops")));

var channels = builder.Services.AddSignalR()
    .AddMessagePackProtocol()
    .AddChannels(channels =>
    {
        channels.Private("orders.{orderId}", (ClaimsPrincipal user, long orderId) =>
            user.Identity?.IsAuthenticated == true && orderId < 1000);
        channels.Presence("room.{roomId}", (ClaimsPrincipal user) =>
            user.Identity?.IsAuthenticated == true
                ? new PresenceMember(user.FindFirstValue(ClaimTypes.NameIdentifier)!, new { name = user.Identity.Name })
                : null);
        // Typed channels (TypedShapes.cs): payloads that do not match their declarations are refused.
        channels.Private("shop-orders.{orderId}", (ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true);
        channels.Presence("shop-store.{storeId}.aisle.{aisle}", (ClaimsPrincipal user) =>
            user.Identity?.IsAuthenticated == true
                ? new PresenceMember(user.FindFirstValue(ClaimTypes.NameIdentifier)!, new Shopper(user.Identity.Name!, Avatar: null))
                : null);
        channels.AddChannelContracts(typeof(OrderChannel).Assembly, validatePayloads: true);
        // Covers history.x, private-history.x and presence-history.x.
        channels.History("history.*", size: 1000, ttl: TimeSpan.FromMinutes(10));
        channels.History("queue.*", size: 100_000, ttl: TimeSpan.FromMinutes(10));
        if (builder.Configuration.GetValue<int?>("max-recovered-events") is { } maxRecovered)
        {
            channels.Configure(o => o.MaxRecoveredEvents = maxRecovered);
        }

        channels.Private("history.{id}", (ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true);
        if (builder.Configuration.GetValue<bool>("pusher"))
        {
            // Pusher cache channels (cache-x, private-cache-x, presence-cache-x) answer a subscribe with their last event.
            channels.History("cache-*", size: 1, ttl: TimeSpan.FromMinutes(10));
            channels.Private("cache-{id}", (ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true);
            channels.Private("encrypted-{id}", (ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true);
        }
    });

if (builder.Configuration.GetValue<bool>("pusher"))
{
    channels.AddPusherProtocol(o =>
    {
        o.Apps.Add(new PusherApp { Id = "1", Key = "test-key", Secret = "test-secret", EncryptionMasterKeyBase64 = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)i).ToArray()) });
        o.Apps.Add(new PusherApp { Id = "2", Key = "second-key", Secret = "second-secret" });
        if (builder.Configuration["pusher-webhook-url"] is { Length: > 0 } hooks)
        {
            foreach (var pusherApp in o.Apps)
            {
                pusherApp.WebhookUrls.Add(new Uri(hooks));
            }
        }

        if (builder.Configuration.GetValue<int?>("pusher-activity-timeout-ms") is { } activity)
        {
            o.ActivityTimeout = TimeSpan.FromMilliseconds(activity);
        }

        if (builder.Configuration.GetValue<int?>("pusher-pong-timeout-ms") is { } pong)
        {
            o.PongTimeout = TimeSpan.FromMilliseconds(pong);
        }
    });
}

if (builder.Configuration["redis"] is { Length: > 0 } redis)
{
    var prefix = builder.Configuration["prefix"] is { Length: > 0 } p ? p : "testserver-" + Guid.NewGuid().ToString("N");
    channels.AddRedis(o =>
    {
        o.Configuration = redis;
        o.Prefix = prefix;
        if (builder.Configuration["redis-ca"] is { Length: > 0 } redisCa)
        {
            // Redis over TLS with a private CA: trust that CA for this connection only, never any certificate.
            o.ConfigurationOptions = ConfigurationOptions.Parse(redis);
            o.ConfigurationOptions.TrustIssuer(redisCa);
        }
    });
}

if (builder.Configuration.GetValue<bool>("queue"))
{
    channels.AddQueuedBroadcasting(o =>
    {
        if (builder.Configuration.GetValue<int?>("queue-lease-ms") is { } lease)
        {
            o.LeaseTime = TimeSpan.FromMilliseconds(lease);
        }
    });
}

if (builder.Configuration.GetValue<bool>("graceful-drain"))
{
    channels.AddGracefulDrain();
}

if (builder.Configuration.GetValue<int?>("max-connections") is { } maxConnections)
{
    channels.AddConnectionLimit(o => o.MaxConnections = maxConnections);
}

if (builder.Configuration["webhook-url"] is { Length: > 0 } webhookUrl)
{
    channels.AddWebhooks(o =>
    {
        o.Urls.Add(new Uri(webhookUrl));
        o.Credentials = new ChannelsAppCredentials { Id = "app", Key = builder.Configuration["webhook-key"]!, Secret = builder.Configuration["webhook-secret"]! };
    });
}

builder.Services.Configure<PresenceOptions>(o =>
{
    if (builder.Configuration.GetValue<int?>("presence-heartbeat-ms") is { } heartbeat)
    {
        o.HeartbeatInterval = TimeSpan.FromMilliseconds(heartbeat);
    }

    if (builder.Configuration.GetValue<int?>("presence-timeout-ms") is { } timeout)
    {
        o.MemberTimeout = TimeSpan.FromMilliseconds(timeout);
    }
});

var app = builder.Build();

app.UseDefaultFiles();
app.UseStaticFiles();
if (builder.Configuration["client-bundle"] is { Length: > 0 } bundle)
{
    var directory = Path.GetDirectoryName(Path.GetFullPath(bundle))!;
    app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(directory), RequestPath = "/lib" });
}

app.UseAuthentication();
app.UseAuthorization();

app.MapChannelHub<TestHub>("/hubs/test");
if (builder.Configuration.GetValue<bool>("dashboard"))
{
    app.MapChannelsDashboard("/channels-dashboard", "dashboard");
}

if (builder.Configuration.GetValue<bool>("pusher"))
{
    app.MapPusherProtocol<TestHub>();
    app.MapPusherProtocol<TestHub>("/pusher"); // the same endpoints behind a path prefix
    app.MapPusherAuthEndpoint();
}

// An app's own HTTP API: publishes the JSON body, leaving out the connection named by X-Socket-ID (toOthers).
app.MapPost("/publish/{channel}/{eventName}", async (
    string channel, string eventName, [FromBody] JsonElement? body, HttpContext http, IChannelBroadcaster broadcaster) =>
{
    try
    {
        await broadcaster.PublishAsync(channel, eventName, body, toOthers: http.GetSocketId(), http.RequestAborted);
        return Results.Accepted();
    }
    catch (ChannelException ex)
    {
        return Results.BadRequest(new { code = ex.Code, detail = ex.Detail });
    }
});

// Publishes `count` events with data { i } (i = start, start + 1, …) one after the other.
app.MapPost("/publish-many/{channel}/{eventName}/{count:int}", async (
    string channel, string eventName, int count, int? start, HttpContext http, IChannelBroadcaster broadcaster) =>
{
    var first = start ?? 1;
    try
    {
        for (var i = first; i < first + count; i++)
        {
            await broadcaster.PublishAsync(channel, eventName, new { i }, toOthers: http.GetSocketId(), http.RequestAborted);
        }

        return Results.Ok(new { published = count });
    }
    catch (ChannelException ex)
    {
        return Results.BadRequest(new { code = ex.Code, detail = ex.Detail });
    }
});

// Queues `count` events with data { node, i } (i = start, start + 1, …) one after the other, stopping at the first refusal:
// answers which were accepted and, if one was refused, which and why (an `unavailable` one may still have been stored).
app.MapPost("/queue-many/{channel}/{eventName}/{count:int}", async (
    string channel, string eventName, int count, int? start, string? node, HttpContext http, IChannelQueue queue) =>
{
    var accepted = new List<int>();
    for (var i = start ?? 1; i < (start ?? 1) + count; i++)
    {
        try
        {
            await queue.EnqueueAsync(channel, eventName, new { node, i }, cancellationToken: http.RequestAborted);
            accepted.Add(i);
        }
        catch (ChannelException ex)
        {
            return Results.Ok(new { accepted, refused = i, code = ex.Code });
        }
    }

    return Results.Ok(new { accepted, refused = (int?)null, code = (string?)null });
});

// Publishes one sample of each typed event (TypedShapes.cs) to the typed channels of order `orderId` and aisle `aisle`.
app.MapPost("/typed-samples/{orderId:long}/{aisle:int}", async (long orderId, int aisle, IChannelBroadcaster broadcaster, CancellationToken ct) =>
{
    await broadcaster.PublishAsync(TypedSamples.Shipped(orderId), cancellationToken: ct);
    await broadcaster.Channel(new OrderChannel(orderId)).PublishAsync("order.cancelled", TypedSamples.Cancelled(orderId), ct);
    await broadcaster.Channel(new AisleChannel("s1", aisle)).PublishAsync(nameof(Announcement), TypedSamples.Announcement("aisle " + aisle), ct);
    await broadcaster.Channel(new NewsChannel()).PublishAsync("headline", TypedSamples.Announcement("news"), ct);
    return Results.NoContent();
});

// Which node answered (through a load balancer).
app.MapGet("/node", () => TestHub.NodeName);

// Removes a user from the channels matching a pattern on every node (IChannelSubscriptionManager; the command bus).
app.MapPost("/revoke-user/{userId}", async (string userId, string? pattern, IChannelSubscriptionManager subscriptions, CancellationToken ct) =>
{
    await subscriptions.RemoveUserAsync(userId, pattern ?? "*", ct);
    return Results.NoContent();
});

// Drops a connection from the server side, as a crashed proxy or a network cut would.
app.MapPost("/abort/{connectionId}", (string connectionId) =>
    TestHub.TryAbort(connectionId) ? Results.NoContent() : Results.NotFound());

if (builder.Configuration.GetValue<bool>("exit-with-stdin"))
{
    // A parent that dies without killing us closes our stdin: leave no server behind.
    _ = Task.Run(async () =>
    {
        while (await Console.In.ReadLineAsync() is not null)
        {
        }

        app.Lifetime.StopApplication();
    });
}

app.Run();
