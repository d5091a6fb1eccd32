using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SignalRChannels.FunctionalTests.Pipeline;

/// <summary>
/// A server with publish middleware whose behaviour the event name picks, so one server serves every case:
/// <c>enrich</c> adds a field, <c>drop-me</c> is dropped, <c>throw-me</c> throws, <c>skip</c> is not passed on,
/// <c>trail</c> records the order the global middleware ran in; on <c>orders.*</c> only, <c>rename-me</c> becomes
/// <c>renamed</c>. Presence events get a <c>badge</c> on <c>presence-vip.*</c> and meet hostile middleware (drop,
/// rename, throw, not passing on) on <c>presence-hostile.*</c>.
/// </summary>
public static class PipelineTestApp
{
    /// <summary>What the throwing middleware's exception says: it must reach the log, never a client.</summary>
    public const string Secret = "middleware secret: Password=hunter2";

    public static ChannelsTestServerOptions Options(TestLoggerProvider? logs = null, string? redis = null, string? redisPrefix = null) => new()
    {
        RedisConfiguration = redis,
        RedisPrefix = redisPrefix,
        ConfigureBuilder = builder =>
        {
            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
                builder.Logging.AddFilter("SignalRChannels", LogLevel.Debug);
            }

            TestAuthenticationHandler.AddTo(builder);
            builder.Services.AddSingleton<MiddlewareProbe>();
        },
        ConfigureApp = TestAuthenticationHandler.UseIn,
        Channels = Configure,
    };

    public static void Configure(ChannelsBuilder channels)
    {
        channels.Private("pipe.{id}", (ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true);
        channels.Presence("vip.{id}", (ClaimsPrincipal user) => new PresenceMember(user.FindFirstValue(ClaimTypes.NameIdentifier)!, new { name = user.Identity!.Name }));
        channels.Presence("hostile.{attempt}.{id}", (ClaimsPrincipal user) => new PresenceMember(user.FindFirstValue(ClaimTypes.NameIdentifier)!));
        channels.History("history-pipe.*", size: 100, ttl: TimeSpan.FromMinutes(5));
        channels.UseMiddleware<FirstMiddleware>();
        channels.UseMiddleware((context, next) =>
        {
            Trail(context, "second");
            return next(context);
        });
        channels.UseMiddleware<RenameMiddleware>("orders.*");
        channels.UseMiddleware<PresenceMiddleware>("presence-*");
    }

    public static string Bare(string eventName) =>
        eventName.StartsWith(EventNames.ClientPrefix, StringComparison.Ordinal) ? eventName[EventNames.ClientPrefix.Length..] : eventName;

    private static void Trail(ChannelEventContext context, string step)
    {
        if (Bare(context.EventName) == "trail")
        {
            var data = JsonNode.Parse(context.Data.GetRawText())!.AsObject();
            if (data["trail"] is not JsonArray trail)
            {
                trail = [];
                data["trail"] = trail;
            }

            trail.Add(step);
            context.SetData(data);
        }
    }

    /// <summary>What the middleware saw and how often it was created; a DI singleton.</summary>
    public sealed class MiddlewareProbe
    {
        private int _created;

        public int Created => Volatile.Read(ref _created);

        public ConcurrentQueue<(ChannelEventKind Kind, string Event, string? From)> Seen { get; } = new();

        public void Constructed() => Interlocked.Increment(ref _created);
    }

    /// <summary>Global, from DI: records what it sees and acts on the event name.</summary>
    public sealed class FirstMiddleware : IChannelEventMiddleware
    {
        private readonly MiddlewareProbe _probe;

        public FirstMiddleware(MiddlewareProbe probe)
        {
            _probe = probe;
            probe.Constructed();
        }

        public async ValueTask InvokeAsync(ChannelEventContext context, ChannelEventDelegate next)
        {
            _probe.Seen.Enqueue((context.Kind, context.EventName, context.From));
            Trail(context, "first");
            switch (Bare(context.EventName))
            {
                case "drop-me":
                    context.Drop("moderated");
                    break;
                case "throw-me":
                    throw new InvalidOperationException(Secret);
                case "skip":
                    return;
                case "enrich":
                    await Task.Yield();
                    var data = JsonNode.Parse(context.Data.GetRawText())!.AsObject();
                    data["serverId"] = "srv-1";
                    context.SetData(data);
                    break;
            }

            await next(context);
        }
    }

    /// <summary>On <c>orders.*</c> only.</summary>
    public sealed class RenameMiddleware : IChannelEventMiddleware
    {
        public ValueTask InvokeAsync(ChannelEventContext context, ChannelEventDelegate next)
        {
            if (context.EventName == "rename-me")
            {
                context.EventName = "renamed";
            }

            return next(context);
        }
    }

    /// <summary>Enriches presence events on <c>presence-vip.*</c>; tries everything it may not do on <c>presence-hostile.*</c>.</summary>
    public sealed class PresenceMiddleware : IChannelEventMiddleware
    {
        public ValueTask InvokeAsync(ChannelEventContext context, ChannelEventDelegate next)
        {
            if (context.Kind != ChannelEventKind.Presence)
            {
                return next(context);
            }

            if (context.Channel.Name.StartsWith("vip.", StringComparison.Ordinal))
            {
                var data = JsonNode.Parse(context.Data.GetRawText())!.AsObject();
                data["badge"] = "gold";
                context.SetData(data);
                return next(context);
            }

            var attempt = context.Channel.Name.Split('.')[1];
            switch (attempt)
            {
                case "drop":
                    context.Drop("no presence here");
                    break;
                case "rename":
                    context.EventName = "member:renamed";
                    break;
                case "throw":
                    throw new InvalidOperationException(Secret);
            }

            // "skip" (and the others, had they not thrown) never call next.
            return ValueTask.CompletedTask;
        }
    }
}
