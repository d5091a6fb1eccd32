using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SignalRChannels.Pusher.Internal;

/// <summary>
/// One pusher-js socket, bridged to a real SignalR connection of the app's channel hub inside the process. The bridge
/// speaks the SignalR JSON hub protocol to the hub (Subscribe, Unsubscribe, Whisper, GetHistory) and Pusher protocol 7 to
/// the socket, so groups, presence, history, limits, the pipeline and Redis scale-out apply to Pusher clients unchanged.
/// The connection id is the Pusher socket id, so <c>X-Socket-ID</c> (<c>toOthers</c>) works as for SignalR clients.
/// This type wires the parts together, runs their loops and receives the socket's messages.
/// </summary>
/// <remarks>Eight constructor dependencies: it is the composition root of one socket and hands each to the part using it.</remarks>
internal sealed class PusherConnection
{
    private readonly WebSocket _socket;
    private readonly HttpContext _http;
    private readonly PusherApp _app;
    private readonly ConnectionHandler _hub;
    private readonly int _maxMessageBytes;
    private readonly ILogger _logger;
    private readonly IDuplexPipe _transport;
    private readonly IDuplexPipe _application;
    private readonly CancellationTokenSource _stopping = new();
    private readonly PusherOutbox _outbox;
    private readonly HubBridge _bridge;
    private readonly PusherSubscriptions _subscriptions;
    private readonly PusherMessageHandler _messages;
    private readonly PusherKeepAlive _keepAlive;
    private readonly int _activityTimeoutSeconds;

    public PusherConnection(
        WebSocket socket,
        HttpContext http,
        PusherAppScope scope,
        ConnectionHandler hub,
        PusherOptions options,
        TimeSpan hubKeepAlive,
        TimeProvider time,
        ILogger logger)
    {
        _socket = socket;
        _http = http;
        _app = scope.App;
        _hub = hub;
        _maxMessageBytes = options.MaxMessageBytes;
        _activityTimeoutSeconds = (int)Math.Max(1, Math.Ceiling(options.ActivityTimeout.TotalSeconds));
        _logger = logger;
        SocketId = PusherSocketIds.Create();
        (_transport, _application) = BridgeConnectionContext.CreatePipes();
        _outbox = new PusherOutbox(socket, options.MaxQueuedBytes, SocketId, logger);
        _bridge = new HubBridge(
            _application.Output,
            new PusherEventTranslator(scope),
            () => _outbox.RequestClose(4200, "The connection was closed by the server; reconnect"),
            SocketId,
            logger,
            _stopping.Token);
        _subscriptions = new PusherSubscriptions(_bridge, _outbox);
        _messages = new PusherMessageHandler(scope, SocketId, _subscriptions, _bridge, _outbox, logger);
        _keepAlive = new PusherKeepAlive(options, hubKeepAlive, _outbox, _bridge, time);
    }

    public string SocketId { get; }

    public async Task RunAsync(CancellationToken applicationStopping)
    {
        var context = new BridgeConnectionContext(SocketId, _transport, _application, _http, () => RequestClose(4200, "The connection was closed by the server; reconnect"));
        context.Features.Set<IChannelGrantFeature>(_subscriptions);
        _keepAlive.MarkReceived();

        var hubTask = Task.Run(() => _hub.OnConnectedAsync(context));
        Task? readHub = null;
        Task? send = null;
        Task? activity = null;
        using var stoppingRegistration = applicationStopping.Register(() => RequestClose(4200, "The server is shutting down; reconnect"));
        try
        {
            if (!await _bridge.HandshakeAsync(_application.Input).ConfigureAwait(false))
            {
                RequestClose(4100, "The server could not open the connection; try again later");
            }
            else
            {
                readHub = _bridge.ReadAsync(_application.Input, _subscriptions.Deliver);
                _outbox.Enqueue(PusherFrames.ConnectionEstablished(SocketId, _activityTimeoutSeconds));
                activity = _keepAlive.RunAsync(_stopping.Token);
                PusherLog.Connected(_logger, SocketId, _app.Id);
            }

            send = _outbox.SendLoopAsync();
            await ReceiveLoopAsync().ConfigureAwait(false);
            // The client closed (or vanished): answer its close unless we had started one.
            RequestClose((int)WebSocketCloseStatus.NormalClosure, "Goodbye");
        }
        finally
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await _application.Output.CompleteAsync().ConfigureAwait(false);
            try
            {
                await hubTask.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                PusherLog.BridgeFailed(_logger, ex, SocketId);
            }

            // The hub has finished with the connection and writes no more; as SignalR's own transports do, complete its
            // output so the bridge's read loop ends (otherwise the request, and with it the socket, would never end).
            await _transport.Output.CompleteAsync().ConfigureAwait(false);
            _outbox.Complete();
            foreach (var task in new[] { readHub, send, activity })
            {
                if (task is not null)
                {
                    try
                    {
                        await task.ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
                    {
                    }
                }
            }

            _bridge.FailPending();
            _outbox.Dispose();
            _stopping.Dispose();
            PusherLog.Disconnected(_logger, SocketId);
        }
    }

    private void RequestClose(int code, string reason) => _outbox.RequestClose(code, reason);

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_maxMessageBytes + 1);
        try
        {
            while (_socket.State == WebSocketState.Open || _socket.State == WebSocketState.CloseSent)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length > _maxMessageBytes)
                    {
                        RequestClose((int)WebSocketCloseStatus.MessageTooBig, $"Messages are limited to {_maxMessageBytes} bytes");
                        return;
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(length, buffer.Length - length), _outbox.ReceiveAborted).ConfigureAwait(false);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (length > _maxMessageBytes)
                {
                    RequestClose((int)WebSocketCloseStatus.MessageTooBig, $"Messages are limited to {_maxMessageBytes} bytes");
                    return;
                }

                _keepAlive.MarkReceived();
                if (!_outbox.IsCloseRequested)
                {
                    await _messages.HandleAsync(buffer.AsMemory(0, length)).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The client went away, or did not answer our close in time.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
