using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>
/// A real Kestrel app on a free loopback port serving <see cref="TestHub"/> at <see cref="HubPath"/>, plus
/// <c>POST /publish/{channel}/{eventName}</c>, which publishes its JSON body with <c>toOthers</c> taken from
/// the <c>X-Socket-ID</c> header. Clients made by <see cref="ConnectAsync"/> are disposed with the server.
/// </summary>
public sealed class ChannelsTestServer : IAsyncDisposable
{
    public const string HubPath = "/hubs/test";

    private readonly WebApplication _app;
    private readonly List<ChannelsTestClient> _clients = [];

    private ChannelsTestServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }

    public Uri HubUrl => new(BaseAddress, HubPath);

    public IServiceProvider Services => _app.Services;

    public IChannelBroadcaster Broadcaster => Services.GetRequiredService<IChannelBroadcaster>();

    public HttpClient Http { get; }

    /// <summary>Builds and starts a server; start-up failures (for example invalid options) are thrown.</summary>
    public static async Task<ChannelsTestServer> StartAsync(ChannelsTestServerOptions? options = null)
    {
        options ??= new ChannelsTestServerOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

        var channels = builder.Services.AddSignalR()
            .AddMessagePackProtocol()
            .AddChannels(options.Channels ?? (_ => { }));
        if (options.RedisConfiguration is { } redis)
        {
            var prefix = options.RedisPrefix ?? RedisFixture.NewPrefix();
            channels.AddRedis(o =>
            {
                o.Configuration = redis;
                o.Prefix = prefix;
            });
        }

        if (options.Queue is { } queue)
        {
            channels.AddQueuedBroadcasting(queue);
        }

        options.ConfigureChannels?.Invoke(channels);
        options.ConfigureBuilder?.Invoke(builder);
        var app = builder.Build();
        options.ConfigureApp?.Invoke(app);
        app.MapChannelHub<TestHub>(HubPath);
        app.MapPost("/publish/{channel}/{eventName}", PublishFromHttpAsync);

        try
        {
            await app.StartAsync().DefaultTimeout();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new ChannelsTestServer(app, new Uri(address));
    }

    /// <summary>Connects a started client; it is disposed with the server unless the test disposes it first.</summary>
    public async Task<ChannelsTestClient> ConnectAsync(
        HttpTransportType transport = HttpTransportType.WebSockets,
        WireProtocol protocol = WireProtocol.Json,
        string? accessToken = null)
    {
        var client = await ChannelsTestClient.ConnectAsync(HubUrl, transport, protocol, accessToken);
        lock (_clients)
        {
            _clients.Add(client);
        }

        return client;
    }

    /// <summary>Calls the publish endpoint as an app's own HTTP API would be called, with an optional <c>X-Socket-ID</c>.</summary>
    public async Task<HttpResponseMessage> PublishOverHttpAsync(string channel, string eventName, object? body, string? socketId = null)
    {
        using var request = new HttpRequestMessage(
            HttpMethod.Post,
            $"/publish/{Uri.EscapeDataString(channel)}/{Uri.EscapeDataString(eventName)}")
        {
            Content = JsonContent.Create(body),
        };
        if (socketId is not null)
        {
            request.Headers.Add(SocketIdHttpContextExtensions.SocketIdHeader, socketId);
        }

        return await Http.SendAsync(request).DefaultTimeout();
    }

    public async ValueTask DisposeAsync()
    {
        ChannelsTestClient[] clients;
        lock (_clients)
        {
            clients = [.. _clients];
        }

        await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask())).DefaultTimeout();
        Http.Dispose();
        await _app.StopAsync().DefaultTimeout();
        await _app.DisposeAsync().DefaultTimeout();
    }

    private static async Task<IResult> PublishFromHttpAsync(
        string channel,
        string eventName,
        [FromBody] JsonElement? body,
        HttpContext httpContext,
        IChannelBroadcaster broadcaster)
    {
        try
        {
            await broadcaster.PublishAsync(channel, eventName, body, toOthers: httpContext.GetSocketId(), httpContext.RequestAborted);
            return Results.Accepted();
        }
        catch (ChannelException ex)
        {
            return Results.BadRequest(new { code = ex.Code, detail = ex.Detail });
        }
    }
}
