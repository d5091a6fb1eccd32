using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using SignalRChannels.Pusher;
using StackExchange.Redis;

namespace SignalRChannels.LoadTool.Serve;

/// <summary>
/// One server under test, in its own process: the hub (or raw endpoint) plus control endpoints the orchestrator
/// drives — publish a burst, report memory after a full GC, seed presence members. Prints
/// <see cref="LoadWire.ReadyLine"/> and its address once bound, and stops when its standard input closes.
/// </summary>
internal static class LoadServer
{
    public static async Task<int> RunAsync(ServeOptions options)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddAuthentication(QueryUserAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, QueryUserAuthenticationHandler>(QueryUserAuthenticationHandler.SchemeName, configureOptions: null);
        builder.Services.AddAuthorization();

        switch (options.Kind)
        {
            case ServerKind.Channels:
            case ServerKind.ChannelsMiddleware:
                AddChannels(builder.Services, options);
                break;
            case ServerKind.Pusher:
                AddChannels(builder.Services, options).AddPusherProtocol(o =>
                    o.Apps.Add(new PusherApp { Id = "load", Key = LoadWire.PusherKey, Secret = "load-secret" }));
                break;
            case ServerKind.Plain:
                var signalR = builder.Services.AddSignalR();
                if (options.Redis is not null)
                {
                    signalR.AddStackExchangeRedis(options.Redis, o => o.Configuration.ChannelPrefix = RedisChannel.Literal(options.Prefix));
                }

                builder.Services.AddSingleton<ILoadPublisher, PlainPublisher>();
                builder.Services.AddSingleton<PlainPresence>();
                break;
            case ServerKind.Raw:
                builder.Services.AddSingleton<RawFanOut>();
                builder.Services.AddSingleton<ILoadPublisher, RawPublisher>();
                break;
        }

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        switch (options.Kind)
        {
            case ServerKind.Channels:
            case ServerKind.ChannelsMiddleware:
                app.MapChannelHub<LoadChannelHub>(LoadWire.HubPath);
                break;
            case ServerKind.Pusher:
                app.MapChannelHub<LoadChannelHub>(LoadWire.HubPath);
                app.MapPusherProtocol<LoadChannelHub>();
                break;
            case ServerKind.Plain:
                app.MapHub<PlainGroupHub>(LoadWire.HubPath);
                break;
            case ServerKind.Raw:
                app.UseWebSockets();
                app.Map(LoadWire.RawPath, (HttpContext context, RawFanOut fanOut) => fanOut.AcceptAsync(context));
                break;
        }

        MapControl(app);
        QueryControl.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine(LoadWire.ReadyLine + address);

        // The orchestrator closes our standard input to stop us (and it closes when the orchestrator dies).
        while (await Console.In.ReadLineAsync() is not null)
        {
        }

        await app.StopAsync(TimeSpan.FromSeconds(3));
        return 0;
    }

    private static IChannelsServerBuilder AddChannels(IServiceCollection services, ServeOptions options)
    {
        var channels = services.AddSignalR().AddChannels(c =>
        {
            c.Presence("room.{id}", (ClaimsPrincipal user) =>
                user.Identity?.IsAuthenticated == true
                    ? new PresenceMember(user.FindFirstValue(ClaimTypes.NameIdentifier)!, new { name = user.Identity.Name })
                    : null);
            c.History(LoadWire.HistoryChannelPrefix + "*", size: options.HistorySize, ttl: TimeSpan.FromMinutes(10));
            if (options.Kind == ServerKind.ChannelsMiddleware)
            {
                c.UseMiddleware(static (context, next) => next(context));
            }
        });
        if (options.Redis is not null)
        {
            channels.AddRedis(o =>
            {
                o.Configuration = options.Redis;
                o.Prefix = options.Prefix;
            });
        }

        channels.AddQueuedBroadcasting();
        services.AddSingleton<ILoadPublisher, ChannelsPublisher>();
        return channels;
    }

    private static void MapControl(WebApplication app)
    {
        // Publishes `count` events over `channels` channels `<prefix>0..n-1`, `concurrency` at a time, paced at `rate`
        // events per second (0: as fast as the server accepts them), and answers when the last publish returned.
        app.MapPost("/load/publish", async (HttpContext http, ILoadPublisher publisher) =>
        {
            var query = http.Request.Query;
            var prefix = query["prefix"].ToString();
            var channels = Int(query, "channels", 1);
            var count = Int(query, "count", 1);
            var size = Int(query, "size", 100);
            var rate = Int(query, "rate", 0);
            var concurrency = Math.Max(1, Int(query, "concurrency", 1));
            var names = Enumerable.Range(0, channels).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture)).ToArray();

            var next = -1L;
            var failed = 0;
            var started = Stopwatch.GetTimestamp();
            async Task WorkAsync()
            {
                long i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    if (rate > 0)
                    {
                        var due = started + (long)(i * (double)Stopwatch.Frequency / rate);
                        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                        if (wait > TimeSpan.FromMilliseconds(1))
                        {
                            await Task.Delay(wait);
                        }
                    }

                    try
                    {
                        await publisher.PublishAsync(names[i % channels], LoadWire.Data(i, size));
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        if (Interlocked.Increment(ref failed) == 1)
                        {
                            app.Logger.LogWarning(ex, "Publish failed");
                        }
                    }
                }
            }

            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkAsync)));
            return Results.Ok(new PublishReport(count - failed, failed, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
        });

        // Live managed memory after a full blocking compacting collection, and the process's working set.
        app.MapGet("/load/memory", () =>
        {
            for (var i = 0; i < 3; i++)
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
            }

            using var process = Process.GetCurrentProcess();
            return Results.Ok(new MemoryReport(GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64));
        });

        // Puts `count` members straight into the presence store through the public IPresenceStore seam (fake
        // connection ids on this node), so a 10k-member channel exists without its ramp-up's n² member:joined storm.
        app.MapPost("/load/presence/seed", async (HttpContext http, IServiceProvider services) =>
        {
            var store = services.GetService<IPresenceStore>();
            if (store is null)
            {
                return Results.BadRequest("presence needs the channels server");
            }

            var channel = ChannelName.Parse(http.Request.Query["channel"].ToString());
            var count = Int(http.Request.Query, "count", 0);
            var idPrefix = http.Request.Query["idPrefix"].ToString();
            var next = -1;
            async Task SeedAsync()
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    var id = idPrefix + i.ToString(CultureInfo.InvariantCulture);
                    await store.JoinAsync(channel, new PresenceMember(id, new { name = id }), "seed-" + id, CancellationToken.None);
                }
            }

            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(SeedAsync)));
            return Results.Ok(new SeedReport(count, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
        });
    }

    private static int Int(IQueryCollection query, string name, int fallback) =>
        int.TryParse(query[name], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}

internal sealed record PublishReport(long Published, int Failed, double ElapsedMs);

internal sealed record MemoryReport(long ManagedBytes, long WorkingSetBytes);

internal sealed record SeedReport(int Seeded, double ElapsedMs);
