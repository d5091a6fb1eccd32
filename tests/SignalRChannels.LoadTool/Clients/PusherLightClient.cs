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
internal sealed class PusherLightClient : FrameClient
{
    private static readonly byte[] s_pong = "{\"event\":\"pusher:pong\",\"data\":{}}"u8.ToArray();

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _subscribing = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _established = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PusherLightClient(int index)
        : base(index)
    {
    }

    /// <summary>Connects and waits for <c>pusher:connection_established</c>.</summary>
    public static Task<PusherLightClient> ConnectAsync(Uri uri, int index, CancellationToken cancellationToken) =>
        OpenAsync(new PusherLightClient(index), uri, c => c._established.Task, cancellationToken);

    /// <summary>Subscribes to a public channel and waits for <c>pusher_internal:subscription_succeeded</c>.</summary>
    public override async Task<TimeSpan> SubscribeAsync(string channel, CancellationToken cancellationToken)
    {
        var started = LoadWire.Now();
        var succeeded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _subscribing[channel] = succeeded;
        await SendAsync(Encoding.UTF8.GetBytes($"{{\"event\":\"pusher:subscribe\",\"data\":{{\"channel\":\"{channel}\"}}}}"), cancellationToken);
        await succeeded.Task.WaitAsync(cancellationToken);
        return TimeSpan.FromMilliseconds(LoadWire.TicksToMilliseconds(LoadWire.Now() - started));
    }

    protected override void OnClosed()
    {
        _established.TrySetException(new WebSocketException("the connection closed before it was established"));
        foreach (var pending in _subscribing.Values)
        {
            pending.TrySetException(new WebSocketException("the connection closed"));
        }
    }

    // Escaped inside the JSON-encoded data string: ...\"ts\":123...
    private static ReadOnlySpan<byte> TsToken => "ts\\\":"u8;

    protected override async Task OnMessageAsync(ReadOnlyMemory<byte> memory, long received)
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
            await SendAsync(s_pong, Stopping);
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
}
