using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;

namespace SignalRChannels.LoadTool.Clients;

/// <summary>
/// A lightweight client of the Pusher protocol endpoint, the counterpart of <see cref="LightClient"/>: it speaks
/// Pusher protocol 7 over a bare <see cref="ClientWebSocket"/> (one JSON text frame per message, as pusher-js does)
/// and reads only the send timestamp from each event, whose <c>data</c> is a JSON-encoded string.
/// </summary>
internal sealed class PusherLightClient : ILoadClient
{
    private static readonly byte[] s_pong = "{\"event\":\"pusher:pong\",\"data\":{}}"u8.ToArray();

    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _subscribing = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _established = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Task _receiving = Task.CompletedTask;

    private PusherLightClient(int index)
    {
        Index = index;
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
    }

    public int Index { get; }

    public IDeliverySink? Sink { get; set; }

    /// <summary>Connects and waits for <c>pusher:connection_established</c>.</summary>
    public static async Task<PusherLightClient> ConnectAsync(Uri uri, int index, CancellationToken cancellationToken)
    {
        var client = new PusherLightClient(index);
        try
        {
            await client._socket.ConnectAsync(uri, cancellationToken);
            client._receiving = Task.Run(client.ReceiveLoopAsync, CancellationToken.None);
            await client._established.Task.WaitAsync(cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Subscribes to a public channel and waits for <c>pusher_internal:subscription_succeeded</c>.</summary>
    public async Task<TimeSpan> SubscribeAsync(string channel, CancellationToken cancellationToken)
    {
        var started = LoadWire.Now();
        var succeeded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _subscribing[channel] = succeeded;
        await SendAsync(Encoding.UTF8.GetBytes($"{{\"event\":\"pusher:subscribe\",\"data\":{{\"channel\":\"{channel}\"}}}}"), cancellationToken);
        await succeeded.Task.WaitAsync(cancellationToken);
        return TimeSpan.FromMilliseconds(LoadWire.TicksToMilliseconds(LoadWire.Now() - started));
    }

    private async Task SendAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var filled = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (filled == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, filled).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(filled), _stop.Token);
                    filled += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                await OnMessageAsync(buffer.AsMemory(0, filled), LoadWire.Now());
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _established.TrySetException(new WebSocketException("the connection closed before it was established"));
            foreach (var pending in _subscribing.Values)
            {
                pending.TrySetException(new WebSocketException("the connection closed"));
            }
        }
    }

    // Escaped inside the JSON-encoded data string: ...\"ts\":123...
    private static ReadOnlySpan<byte> TsToken => "ts\\\":"u8;

    private async Task OnMessageAsync(ReadOnlyMemory<byte> memory, long received)
    {
        var message = memory.Span;
        var at = message.IndexOf(TsToken);
        if (at >= 0)
        {
            if (Sink is { } sink && Utf8Parser.TryParse(message[(at + TsToken.Length)..], out long sent, out _))
            {
                sink.OnDelivery(Index, sent, received);
            }

            return;
        }

        if (message.IndexOf("\"pusher:connection_established\""u8) >= 0)
        {
            _established.TrySetResult();
        }
        else if (message.IndexOf("\"pusher_internal:subscription_succeeded\""u8) >= 0)
        {
            foreach (var (channel, pending) in _subscribing)
            {
                if (message.IndexOf(Encoding.UTF8.GetBytes($"\"channel\":\"{channel}\"")) >= 0 && _subscribing.TryRemove(channel, out _))
                {
                    pending.TrySetResult();
                }
            }
        }
        else if (message.IndexOf("\"pusher:ping\""u8) >= 0)
        {
            await SendAsync(s_pong, _stop.Token);
        }
        else if (message.IndexOf("\"pusher:error\""u8) >= 0 || message.IndexOf("\"pusher:subscription_error\""u8) >= 0)
        {
            var error = new InvalidOperationException("Pusher error: " + Encoding.UTF8.GetString(message));
            _established.TrySetException(error);
            foreach (var pending in _subscribing.Values)
            {
                pending.TrySetException(error);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        await _stop.CancelAsync();
        await _receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }
}
