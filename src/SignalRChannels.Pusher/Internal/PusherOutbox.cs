using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace SignalRChannels.Pusher.Internal;

/// <summary>
/// The frames waiting to go out on one Pusher socket, sent in order by one loop. A client that lets more than
/// <see cref="PusherOptions.MaxQueuedBytes"/> pile up is closed (4100); a close request goes out after what was queued
/// before it, and gives the client a few seconds to answer the close handshake.
/// </summary>
internal sealed class PusherOutbox : IDisposable
{
    private static readonly TimeSpan s_closeHandshakeTimeout = TimeSpan.FromSeconds(5);

    private readonly WebSocket _socket;
    private readonly long _maxQueuedBytes;
    private readonly string _socketId;
    private readonly ILogger _logger;
    private readonly Channel<Outgoing> _queue = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _receiveAbort = new();
    private long _queuedBytes;
    private int _closeRequested;

    public PusherOutbox(WebSocket socket, long maxQueuedBytes, string socketId, ILogger logger)
    {
        _socket = socket;
        _maxQueuedBytes = maxQueuedBytes;
        _socketId = socketId;
        _logger = logger;
    }

    /// <summary>Cancelled when the client has not answered a close in time: the receive loop stops waiting for it.</summary>
    public CancellationToken ReceiveAborted => _receiveAbort.Token;

    public bool IsCloseRequested => Volatile.Read(ref _closeRequested) != 0;

    public void Enqueue(byte[] frame)
    {
        if (Interlocked.Add(ref _queuedBytes, frame.Length) > _maxQueuedBytes)
        {
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            RequestClose(4100, "The client is too slow to receive its messages; reconnect later");
            return;
        }

        if (!_queue.Writer.TryWrite(new Outgoing(frame, 0, null)))
        {
            Interlocked.Add(ref _queuedBytes, -frame.Length);
        }
    }

    /// <summary>Closes the socket once what is queued before has been sent; the first request wins.</summary>
    public void RequestClose(int code, string reason)
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) != 0)
        {
            return;
        }

        PusherLog.Closing(_logger, _socketId, code, reason);
        if (code is >= 4000 and < 4100)
        {
            _queue.Writer.TryWrite(new Outgoing(PusherFrames.Error(code, reason), 0, null));
        }

        _queue.Writer.TryWrite(new Outgoing(null, code, reason));
        _queue.Writer.TryComplete();
        try
        {
            _receiveAbort.CancelAfter(s_closeHandshakeTimeout);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Stops taking frames; the send loop ends once it has sent what is queued.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    public async Task SendLoopAsync()
    {
        await foreach (var item in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (item.Frame is null)
            {
                if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await _socket.CloseOutputAsync((WebSocketCloseStatus)item.CloseCode, item.CloseReason, CancellationToken.None).ConfigureAwait(false);
                }

                return;
            }

            Interlocked.Add(ref _queuedBytes, -item.Frame.Length);
            if (_socket.State != WebSocketState.Open)
            {
                continue;
            }

            await _socket.SendAsync(item.Frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public void Dispose() => _receiveAbort.Dispose();

    private readonly record struct Outgoing(byte[]? Frame, int CloseCode, string? CloseReason);
}
