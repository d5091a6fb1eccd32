using System.Globalization;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SignalRChannels.Pusher.Internal;

/// <summary>Serves <c>/app/{key}</c>: accepts the WebSocket, refuses unknown keys (4001) and old protocols (4007), and runs the bridge.</summary>
internal static class PusherSocketEndpoint
{
    public static async Task HandleAsync<THub>(HttpContext http, string key)
        where THub : ChannelHub
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("The Pusher protocol endpoint takes WebSocket connections only.", http.RequestAborted).ConfigureAwait(false);
            return;
        }

        var services = http.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("SignalRChannels.Pusher");
        var apps = services.GetRequiredService<PusherApps>();
        using var socket = await http.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var app = apps.FindByKey(key);
        if (app is null)
        {
            await RefuseAsync(socket, 4001, $"App key {key} does not exist on this server", logger).ConfigureAwait(false);
            return;
        }

        if (!int.TryParse(http.Request.Query["protocol"], NumberStyles.None, CultureInfo.InvariantCulture, out var protocol) || protocol is < 5 or > 7)
        {
            await RefuseAsync(socket, 4007, "Unsupported protocol version: use protocol 7", logger).ConfigureAwait(false);
            return;
        }

        var options = services.GetRequiredService<IOptions<PusherOptions>>().Value;
        var hubOptions = services.GetRequiredService<IOptions<HubOptions<THub>>>().Value;
        var globalHubOptions = services.GetRequiredService<IOptions<HubOptions>>().Value;
        var keepAlive = hubOptions.KeepAliveInterval ?? globalHubOptions.KeepAliveInterval ?? TimeSpan.FromSeconds(15);
        var connection = new PusherConnection(
            socket,
            http,
            new PusherAppScope(
                app,
                apps.IsDefault(app),
                services.GetRequiredService<IOptions<ChannelsOptions>>().Value.MaxChannelNameLength,
                apps.FramesOf(app)),
            services.GetRequiredService<HubConnectionHandler<THub>>(),
            options,
            keepAlive,
            services.GetRequiredService<TimeProvider>(),
            logger);
        await connection.RunAsync(services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping).ConfigureAwait(false);
        if (socket.State == WebSocketState.CloseReceived)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task RefuseAsync(WebSocket socket, int code, string message, ILogger logger)
    {
        PusherLog.Refused(logger, message);
        await socket.SendAsync(PusherFrames.Error(code, message), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await socket.CloseAsync((WebSocketCloseStatus)code, message, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
    }
}
