using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace SignalRChannels.LoadTool.Serve;

/// <summary>
/// The raw WebSocket baseline: no hub protocol, no per-connection pipe, no per-connection write lock. A client
/// joins groups with <c>/ws?groups=a,b</c>; a publish writes one pre-serialized frame to every socket of a group.
/// Publishes to one group are serialized by a per-group lock (a socket allows one send at a time), which is
/// enough because in the scenarios a socket that receives events is in one group only.
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
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        Interlocked.Increment(ref _connections);
        foreach (var name in names)
        {
            _groups.GetOrAdd(name, _ => new RawGroup()).Add(socket);
        }

        try
        {
            // Nothing is expected from the client; read until it closes.
            var buffer = new byte[256];
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
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

            Interlocked.Decrement(ref _connections);
        }
    }

    public async Task SendAsync(string groupName, ReadOnlyMemory<byte> frame)
    {
        if (!_groups.TryGetValue(groupName, out var group))
        {
            return;
        }

        await group.SendLock.WaitAsync();
        try
        {
            List<Task>? pending = null;
            foreach (var socket in group.Members)
            {
                var send = socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                if (!send.IsCompletedSuccessfully)
                {
                    (pending ??= []).Add(ObserveAsync(send));
                }
            }

            if (pending is not null)
            {
                await Task.WhenAll(pending);
            }
        }
        finally
        {
            group.SendLock.Release();
        }
    }

    private static async Task ObserveAsync(ValueTask send)
    {
        try
        {
            await send;
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // A client that went away misses the event, as it would on SignalR.
        }
    }

    private sealed class RawGroup
    {
        private readonly object _gate = new();

        public SemaphoreSlim SendLock { get; } = new(1, 1);

        /// <summary>Copy-on-write, so a publish iterates without locking.</summary>
        public WebSocket[] Members { get; private set; } = [];

        public void Add(WebSocket socket)
        {
            lock (_gate)
            {
                Members = [.. Members, socket];
            }
        }

        public void Remove(WebSocket socket)
        {
            lock (_gate)
            {
                Members = Members.Where(s => s != socket).ToArray();
            }
        }
    }
}
