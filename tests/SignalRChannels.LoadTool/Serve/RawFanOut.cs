using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace SignalRChannels.LoadTool.Serve;

/// <summary>
/// The raw WebSocket baseline, built as a strong fan-out server would be: no hub protocol, no pipe, no write lock;
/// each socket has its own bounded queue and its own send loop, and a publish only enqueues one shared
/// pre-serialized frame (the bytes <c>JsonHubProtocol</c> writes) per socket and returns, so a slow socket delays
/// only itself. A client joins groups with <c>/ws?groups=a,b</c>.
/// </summary>
internal sealed class RawFanOut
{
    private readonly ConcurrentDictionary<string, RawGroup> _groups = new(StringComparer.Ordinal);

    public int ConnectionCount => _connections;

    private int _connections;

    public async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var names = context.Request.Query["groups"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
        using var webSocket = await context.WebSockets.AcceptWebSocketAsync();
        var socket = new RawSocket(webSocket);
        var sending = socket.SendLoopAsync();
        Interlocked.Increment(ref _connections);
        foreach (var name in names)
        {
            _groups.GetOrAdd(name, _ => new RawGroup()).Add(socket);
        }

        try
        {
            // Nothing is expected from the client; read until it closes.
            var buffer = new byte[256];
            while (webSocket.State == WebSocketState.Open)
            {
                var result = await webSocket.ReceiveAsync(buffer.AsMemory(), context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
        }
        finally
        {
            foreach (var name in names)
            {
                if (_groups.TryGetValue(name, out var group))
                {
                    group.Remove(socket);
                }
            }

            socket.Queue.Writer.TryComplete();
            await sending;
            if (webSocket.State == WebSocketState.CloseReceived)
            {
                await CloseQuietlyAsync(webSocket);
            }

            Interlocked.Decrement(ref _connections);
        }
    }

    private static async Task CloseQuietlyAsync(WebSocket socket)
    {
        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException)
        {
        }
    }

    /// <summary>One client socket with its queue of frames and the loop that sends them in order.</summary>
    private sealed class RawSocket(WebSocket socket)
    {
        public Channel<ReadOnlyMemory<byte>> Queue { get; } = Channel.CreateBounded<ReadOnlyMemory<byte>>(
            new BoundedChannelOptions(1000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

        public async Task EnqueueAsync(ReadOnlyMemory<byte> frame)
        {
            try
            {
                await Queue.Writer.WriteAsync(frame);
            }
            catch (ChannelClosedException)
            {
                // The socket is gone.
            }
        }

        public async Task SendLoopAsync()
        {
            try
            {
                while (await Queue.Reader.WaitToReadAsync())
                {
                    while (Queue.Reader.TryRead(out var frame))
                    {
                        await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                    }
                }
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException)
            {
                // A client that went away misses the events, as it would on SignalR; unblock any waiting publisher.
                Queue.Writer.TryComplete();
                while (Queue.Reader.TryRead(out _))
                {
                }
            }
        }
    }

    public async Task SendAsync(string groupName, ReadOnlyMemory<byte> frame)
    {
        if (!_groups.TryGetValue(groupName, out var group))
        {
            return;
        }

        // Enqueue the one shared frame per socket and return; each socket's own loop sends it. Only a full queue (a
        // socket 1,000 frames behind) makes the publisher wait, which is the backpressure SignalR applies too.
        List<Task>? full = null;
        foreach (var socket in group.Members)
        {
            if (!socket.Queue.Writer.TryWrite(frame))
            {
                (full ??= []).Add(socket.EnqueueAsync(frame));
            }
        }

        if (full is not null)
        {
            await Task.WhenAll(full);
        }
    }

    private sealed class RawGroup
    {
        private readonly object _gate = new();

        /// <summary>Copy-on-write, so a publish iterates without locking.</summary>
        public RawSocket[] Members { get; private set; } = [];

        public void Add(RawSocket socket)
        {
            lock (_gate)
            {
                Members = [.. Members, socket];
            }
        }

        public void Remove(RawSocket socket)
        {
            lock (_gate)
            {
                Members = Members.Where(s => s != socket).ToArray();
            }
        }
    }
}
