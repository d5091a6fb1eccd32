using System.Buffers;
using System.Net.WebSockets;

namespace SignalRChannels.LoadTool.Clients;

/// <summary>
/// What the light clients of frame-per-message protocols (Pusher, Engine.IO) share: a bare
/// <see cref="ClientWebSocket"/>, serialized sends, a receive loop that hands over each whole text frame with its
/// receive time, and a bounded close.
/// </summary>
internal abstract class FrameClient(int index) : ILoadClient
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _receiving = Task.CompletedTask;

    protected ClientWebSocket Socket { get; } = new() { Options = { KeepAliveInterval = TimeSpan.Zero } };

    protected CancellationToken Stopping => _stop.Token;

    public int Index { get; } = index;

    public IDeliverySink? Sink { get; set; }

    public abstract Task<TimeSpan> SubscribeAsync(string channel, CancellationToken cancellationToken);

    /// <summary>
    /// Connects <paramref name="client"/>, starts its receive loop and waits for the protocol's greeting
    /// (<paramref name="greeted"/>); disposes the client if any of it fails.
    /// </summary>
    protected static async Task<T> OpenAsync<T>(T client, Uri uri, Func<T, Task> greeted, CancellationToken cancellationToken)
        where T : FrameClient
    {
        try
        {
            await client.Socket.ConnectAsync(uri, cancellationToken);
            client._receiving = Task.Run(client.ReceiveLoopAsync, CancellationToken.None);
            await greeted(client).WaitAsync(cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>One whole received frame.</summary>
    protected abstract Task OnMessageAsync(ReadOnlyMemory<byte> message, long receivedTimestamp);

    /// <summary>The receive loop ended (closed, failed or disposed): fail whatever still waits for an answer.</summary>
    protected abstract void OnClosed();

    protected async Task SendAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await Socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Reads whole frames until the socket closes; a protocol whose messages may span frames reads its own way.</summary>
    protected virtual async Task ReceiveLoopAsync()
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

                    result = await Socket.ReceiveAsync(buffer.AsMemory(filled), _stop.Token);
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
            OnClosed();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        await _stop.CancelAsync();
        await _receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }
}
