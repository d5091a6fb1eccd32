using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace SignalRChannels.LoadTool.Clients;

/// <summary>
/// A lightweight Socket.IO 4 client, the counterpart of <see cref="LightClient"/> for the Socket.IO peer: Engine.IO v4
/// over the WebSocket transport only (<c>/socket.io/?EIO=4&amp;transport=websocket</c>, one packet per frame), the
/// main namespace, and nothing else. Open packet <c>0{…}</c>, connect <c>40</c>, ping <c>2</c> answered with pong
/// <c>3</c>, events <c>42[…]</c> from which it reads only the send timestamp, and acknowledged calls
/// <c>42&lt;id&gt;[…]</c> answered by <c>43&lt;id&gt;[…]</c>.
/// </summary>
internal sealed class SocketIoLightClient : FrameClient
{
    private static readonly byte[] s_connect = "40"u8.ToArray();
    private static readonly byte[] s_pong = "3"u8.ToArray();

    private readonly ConcurrentDictionary<int, TaskCompletionSource> _acks = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _ackId;

    private SocketIoLightClient(int index)
        : base(index)
    {
    }

    /// <summary>Opens the Engine.IO session, connects to the main namespace and waits for its <c>40{"sid":…}</c>.</summary>
    public static Task<SocketIoLightClient> ConnectAsync(Uri uri, int index, CancellationToken cancellationToken) =>
        OpenAsync(new SocketIoLightClient(index), uri, c => c._connected.Task, cancellationToken);

    /// <summary>Emits <c>subscribe</c> with an acknowledgement: the peer joins the room named after the channel.</summary>
    public override async Task<TimeSpan> SubscribeAsync(string channel, CancellationToken cancellationToken)
    {
        var started = LoadWire.Now();
        var id = Interlocked.Increment(ref _ackId);
        var acked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _acks[id] = acked;
        await SendAsync(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"42{id}[\"subscribe\",\"{channel}\"]")), cancellationToken);
        await acked.Task.WaitAsync(cancellationToken);
        return TimeSpan.FromMilliseconds(LoadWire.TicksToMilliseconds(LoadWire.Now() - started));
    }

    protected override void OnClosed()
    {
        _connected.TrySetException(new WebSocketException("the connection closed before the namespace connected"));
        foreach (var pending in _acks.Values)
        {
            pending.TrySetException(new WebSocketException("the connection closed"));
        }
    }

    protected override async Task OnMessageAsync(ReadOnlyMemory<byte> memory, long received)
    {
        var packet = memory.Span;
        if (packet.IsEmpty)
        {
            return;
        }

        switch (packet[0])
        {
            case (byte)'4' when packet.Length > 1:
                OnSocketIoPacket(packet[1..], received);
                break;
            case (byte)'2':
                await SendAsync(s_pong, Stopping);
                break;
            case (byte)'0':
                await SendAsync(s_connect, Stopping);
                break;
            case (byte)'1':
                _connected.TrySetException(new InvalidOperationException("the Engine.IO session was closed by the server"));
                break;
        }
    }

    private void OnSocketIoPacket(ReadOnlySpan<byte> packet, long received)
    {
        switch (packet[0])
        {
            // EVENT: 2["ChannelEvent",{…"data":{"ts":…}}]; events are by far the most frequent, so they come first.
            case (byte)'2':
                if (Sink is { } sink && LoadWire.TryReadSendTimestamp(packet, out var sent))
                {
                    sink.OnDelivery(Index, sent, received);
                }

                break;

            // ACK: 3<id>[…]
            case (byte)'3':
                var digits = packet[1..];
                var end = digits.IndexOf((byte)'[');
                if (end > 0 && int.TryParse(digits[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var id) && _acks.TryRemove(id, out var ack))
                {
                    ack.TrySetResult();
                }

                break;

            // CONNECT: 0{"sid":…}; CONNECT_ERROR: 4{"message":…}
            case (byte)'0':
                _connected.TrySetResult();
                break;
            case (byte)'4':
                _connected.TrySetException(new InvalidOperationException("Socket.IO connect error: " + Encoding.UTF8.GetString(packet)));
                break;
        }
    }
}
