using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ServerPresenceMember = SignalRChannels.PresenceMember;

namespace SignalRChannels.Client.Tests.Infrastructure;

/// <summary>
/// A real Kestrel node on a free loopback port hosting <see cref="ClientTestHub"/> with these routes:
/// <c>private-secret.{id}</c> (any signed-in user, except id <c>denied</c>), <c>presence-room.{id}</c> (signed-in users,
/// member id = user id), <c>private-gate.{id}</c> (allowed while <see cref="Gates"/> holds the id), history on <c>hist.*</c>.
/// Its hub endpoint can be closed (503) to keep clients out; every hub method call is logged in <see cref="Invocations"/>.
/// </summary>
public sealed class TestNode : IAsyncDisposable
{
    public const string HubPath = "/hubs/test";

    private readonly WebApplication _app;
    private volatile bool _closed;
    private int _refused;

    private TestNode(WebApplication app, Uri baseAddress)
    {
        _app = app;
        HubUrl = new Uri(baseAddress, HubPath);
    }

    public Uri HubUrl { get; }

    public IChannelBroadcaster Broadcaster => _app.Services.GetRequiredService<IChannelBroadcaster>();

    public IChannelEventStore History => _app.Services.GetRequiredService<IChannelEventStore>();

    public ConnectionRegistry Connections => _app.Services.GetRequiredService<ConnectionRegistry>();

    public HubInvocationLog Invocations => _app.Services.GetRequiredService<HubInvocationLog>();

    public GateRoutes Gates => _app.Services.GetRequiredService<GateRoutes>();

    public IChannelSubscriptionManager Subscriptions => _app.Services.GetRequiredService<IChannelSubscriptionManager>();

    /// <summary>How many hub requests were refused while <see cref="Closed"/>.</summary>
    public int RefusedRequests => Volatile.Read(ref _refused);

    /// <summary>Refuses new hub connections (HTTP 503) while true, as a node that is down would.</summary>
    public bool Closed
    {
        get => _closed;
        set => _closed = value;
    }

    /// <param name="redisPrefix">With Redis scale-out under this prefix (nodes with one prefix form one cluster); null for a single in-memory node.</param>
    /// <param name="configure">Changes channel options.</param>
    /// <param name="restartOf">The hub URL of a stopped node to start again on its port (its in-memory state is gone); null for a free port.</param>
    /// <param name="closed">Starts with <see cref="Closed"/> set, so no client gets in before the test opens it.</param>
    /// <param name="redisConfiguration">With <paramref name="redisPrefix"/>: this Redis (a test's own server) instead of the shared one.</param>
    public static async Task<TestNode> StartAsync(
        string? redisPrefix = null,
        Action<ChannelsOptions>? configure = null,
        Uri? restartOf = null,
        bool closed = false,
        string? redisConfiguration = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(restartOf is null ? "http://127.0.0.1:0" : $"http://127.0.0.1:{restartOf.Port}");
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
        builder.Services.AddSingleton<ConnectionRegistry>();
        builder.Services.AddSingleton<HubInvocationLog>();
        var gates = new GateRoutes();
        builder.Services.AddSingleton(gates);
        builder.Services.AddAuthentication(TestAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TestAuthenticationHandler>(TestAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        var channels = builder.Services.AddSignalR(o => o.AddFilter<HubInvocationLog>())
            .AddMessagePackProtocol()
            .AddChannels(c =>
            {
                c.Configure(o => configure?.Invoke(o));
                c.Private("secret.{id}", (ClaimsPrincipal user, string id) => user.Identity?.IsAuthenticated == true && id != "denied");
                c.Presence("room.{id}", (ClaimsPrincipal user) =>
                    user.Identity?.IsAuthenticated == true
                        ? new ServerPresenceMember(user.FindFirstValue(ClaimTypes.NameIdentifier)!, new { name = user.Identity.Name })
                        : null);
                c.Private("gate.{id}", (string id) => gates.Open.ContainsKey(id));
                c.History("hist.*", size: 1000, ttl: TimeSpan.FromMinutes(10));
            });
        if (redisPrefix is not null)
        {
            var redis = redisConfiguration ?? await TestRedis.GetConfigurationAsync();
            channels.AddRedis(o =>
            {
                o.Configuration = redis;
                o.Prefix = redisPrefix;
            });
        }

        var app = builder.Build();
        TestNode? node = null;
        app.Use((context, next) =>
        {
            if ((node?.Closed ?? closed) && context.Request.Path.StartsWithSegments(HubPath))
            {
                if (node is not null)
                {
                    Interlocked.Increment(ref node._refused);
                }

                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return Task.CompletedTask;
            }

            return next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapChannelHub<ClientTestHub>(HubPath);
        await app.StartAsync().DefaultTimeout();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        node = new TestNode(app, new Uri(address)) { Closed = closed };
        return node;
    }

    /// <summary>A client of this node; the caller disposes it.</summary>
    public ChannelsClient CreateClient(ChannelsProtocol protocol = ChannelsProtocol.Json, string? user = null, Action<ChannelsClientOptions>? configure = null)
    {
        var options = new ChannelsClientOptions { Url = HubUrl, Protocol = protocol };
        if (user is not null)
        {
            options.AccessTokenProvider = () => Task.FromResult<string?>(user);
        }

        // Fast reconnects keep the tests short; the first attempt after a loss is immediate anyway.
        options.Reconnect.BaseDelay = TimeSpan.FromMilliseconds(20);
        options.Reconnect.MaxDelay = TimeSpan.FromMilliseconds(100);
        options.ReorderWindow = TimeSpan.FromMilliseconds(100);
        configure?.Invoke(options);
        return new ChannelsClient(options);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().DefaultTimeout();
        await _app.DisposeAsync();
    }
}
