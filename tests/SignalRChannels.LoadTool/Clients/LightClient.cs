using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace SignalRChannels.LoadTool.Clients;

/// <summary>
/// A lightweight load client: it speaks the JSON hub protocol over a bare <see cref="ClientWebSocket"/> (or reads
/// raw frames from the raw server), splits messages on the record separator and reads only the send timestamp
/// (or a joined member's id) from each, so that one client process can drive a server to saturation.
/// </summary>
internal sealed class LightClient : FrameClient
{
    private const byte RecordSeparator = 0x1e;
    private static readonly byte[] s_ping = "{\"type\":6}\u001e"u8.ToArray();

    private readonly ConcurrentDictionary<string, TaskCompletionSource<byte[]>> _pending = new(StringComparer.Ordinal);
    private readonly bool _hubProtocol;
    private readonly List<byte> _partial = [];
    private TaskCompletionSource? _handshake;
    private int _invocationId;

    private LightClient(int index, bool hubProtocol)
        : base(index)
    {
        _hubProtocol = hubProtocol;
    }

    /// <summary>Connects to a hub (JSON hub protocol, negotiation skipped) or, with <paramref name="hubProtocol"/> off, to the raw server.</summary>
    public static async Task<LightClient> ConnectAsync(Uri uri, int index, bool hubProtocol, CancellationToken cancellationToken)
    {
        var client = new LightClient(index, hubProtocol);
        if (!hubProtocol)
        {
            return await OpenAsync(client, uri, _ => Task.CompletedTask, cancellationToken);
        }

        // The handshake goes out once the socket is open, and the client is ready when the server answers it.
        client._handshake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return await OpenAsync(client, uri, async c =>
        {
            await c.SendAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray(), cancellationToken);
            await c._handshake!.Task;
        }, cancellationToken);
    }

    public override async Task<TimeSpan> SubscribeAsync(string channel, CancellationToken cancellationToken)
    {
        var started = LoadWire.Now();
        var filter = channel.IndexOf(LoadWire.FilterSeparator, StringComparison.Ordinal);
        var arguments = filter < 0
            ? $"\"{channel}\",null"
            : $"\"{channel[..filter]}\",{{\"events\":[{string.Join(',', channel[(filter + 1)..].Split(',').Select(e => $"\"{e}\""))}]}}";
        await InvokeAsync("Subscribe", arguments, cancellationToken);
        return TimeSpan.FromMilliseconds(LoadWire.TicksToMilliseconds(LoadWire.Now() - started));
    }

    /// <summary>Invokes a hub method with JSON-encoded arguments; returns the completion message; throws on an error completion.</summary>
    public async Task<byte[]> InvokeAsync(string target, string argumentsJson, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _invocationId).ToString(CultureInfo.InvariantCulture);
        var completion = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        var message = $"{{\"type\":1,\"target\":\"{target}\",\"arguments\":[{argumentsJson}],\"invocationId\":\"{id}\"}}\u001e";
        await SendAsync(Encoding.UTF8.GetBytes(message), cancellationToken);
        var result = await completion.Task.WaitAsync(cancellationToken);
        if (result.AsSpan().IndexOf("\"error\":"u8) >= 0)
        {
            throw new InvalidOperationException($"{target} failed: {Encoding.UTF8.GetString(result)}");
        }

        return result;
    }

    /// <summary>Keeps the server's client timeout from closing an idle connection.</summary>
    public Task PingAsync(CancellationToken cancellationToken) =>
        _hubProtocol && Socket.State == WebSocketState.Open ? SendAsync(s_ping, cancellationToken) : Task.CompletedTask;

    /// <summary>
    /// Splits a frame into records on the record separator (the raw server's frames carry the same terminated
    /// records); a record that a frame leaves unfinished waits for the next.
    /// </summary>
    protected override Task OnMessageAsync(ReadOnlyMemory<byte> frame, long received)
    {
        var rest = frame.Span;
        if (_partial.Count > 0)
        {
            _partial.AddRange(rest);
            var joined = _partial.ToArray();
            _partial.Clear();
            rest = joined;
        }

        int end;
        while ((end = rest.IndexOf(RecordSeparator)) >= 0)
        {
            OnMessage(rest[..end], received);
            rest = rest[(end + 1)..];
        }

        _partial.AddRange(rest);
        return Task.CompletedTask;
    }

    protected override void OnClosed()
    {
        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(new WebSocketException("the connection closed"));
        }

        _handshake?.TrySetException(new WebSocketException("the connection closed during the handshake"));
    }

    private void OnMessage(ReadOnlySpan<byte> message, long received)
    {
        if (_handshake is { Task.IsCompleted: false } handshake)
        {
            if (message.IndexOf("\"error\""u8) >= 0)
            {
                handshake.TrySetException(new InvalidOperationException("handshake failed: " + Encoding.UTF8.GetString(message)));
            }
            else
            {
                handshake.TrySetResult();
            }

            return;
        }

        // Events (type 1 with no invocation id) are by far the most frequent, so they are tried first.
        if (message.StartsWith("{\"type\":1,"u8) || !_hubProtocol)
        {
            if (Sink is not { } sink)
            {
                return;
            }

            if (LoadWire.TryReadSendTimestamp(message, out var sent))
            {
                sink.OnDelivery(Index, sent, received);
            }
            else if (LoadWire.TryReadJoinedMember(message) is { } member)
            {
                sink.OnMemberJoined(Index, member, received);
            }
            else if (LoadWire.IsMemberLeft(message))
            {
                sink.OnMemberLeft(Index, received);
            }

            return;
        }

        if (message.StartsWith("{\"type\":3,"u8))
        {
            var token = "\"invocationId\":\""u8;
            var at = message.IndexOf(token);
            if (at >= 0)
            {
                var rest = message[(at + token.Length)..];
                var id = Encoding.UTF8.GetString(rest[..rest.IndexOf((byte)'"')]);
                if (_pending.TryRemove(id, out var completion))
                {
                    completion.TrySetResult(message.ToArray());
                }
            }
        }
    }
}
