using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace SignalRChannels.FunctionalTests.Infrastructure;

/// <summary>
/// A bare SignalR client of the JSON hub protocol on a WebSocket (no negotiation) that pings only when told to.
/// The official clients ping on their own timer from the start, and SignalR arms a connection's client timeout at its
/// first ping: this client lets a test decide which connection can be timed out, and from when.
/// </summary>
public sealed class RawJsonHubClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';

    private readonly ClientWebSocket _socket = new();
    private readonly System.Threading.Channels.Channel<JsonElement> _events = System.Threading.Channels.Channel.CreateUnbounded<JsonElement>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _invocations = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _receiving = Task.CompletedTask;
    private int _lastInvocationId;

    private RawJsonHubClient()
    {
    }

    /// <summary>Opens the WebSocket at <paramref name="hubUrl"/> (the token goes in <c>access_token</c>) and completes the handshake.</summary>
    public static async Task<RawJsonHubClient> ConnectAsync(Uri hubUrl, string accessToken)
    {
        var client = new RawJsonHubClient();
        var url = new UriBuilder(hubUrl)
        {
            Scheme = hubUrl.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Query = "access_token=" + Uri.EscapeDataString(accessToken),
        };
        try
        {
            await client._socket.ConnectAsync(url.Uri, CancellationToken.None).DefaultTimeout();
            client._receiving = client.ReceiveAsync();
            await client.SendAsync("""{"protocol":"json","version":1}""");
            await client._handshake.Task.DefaultTimeout();
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }

        return client;
    }

    /// <summary>Invokes a hub method and returns its result (an error completion throws).</summary>
    public async Task<JsonElement> InvokeAsync(string target, params object?[] arguments)
    {
        var id = Interlocked.Increment(ref _lastInvocationId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _invocations[id] = completion;
        await SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments }));
        return await completion.Task.DefaultTimeout();
    }

    /// <summary>Sends a ping message: from the server's processing of it on, the client timeout applies to this connection.</summary>
    public Task PingAsync() => SendAsync("""{"type":6}""");

    /// <summary>The argument of the next <c>ChannelEvent</c> this client received, waiting for it if none is queued yet.</summary>
    public Task<JsonElement> NextEventAsync() => _events.Reader.ReadAsync().AsTask().DefaultTimeout();

    /// <summary>How many <c>ChannelEvent</c> frames arrived that <see cref="NextEventAsync"/> has not taken yet.</summary>
    public int QueuedEvents => _events.Reader.Count;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Abort();
        await _receiving;
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task SendAsync(string record)
    {
        var bytes = Encoding.UTF8.GetBytes(record + RecordSeparator);
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).DefaultTimeout();
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[16 * 1024];
        var pending = new StringBuilder();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                pending.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
                var text = pending.ToString();
                var end = text.LastIndexOf(RecordSeparator);
                if (end < 0)
                {
                    continue;
                }

                pending.Clear().Append(text, end + 1, text.Length - end - 1);
                foreach (var record in text[..end].Split(RecordSeparator))
                {
                    Dispatch(record);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
        finally
        {
            var closed = new InvalidOperationException("The connection closed.");
            _handshake.TrySetException(closed);
            foreach (var invocation in _invocations.Values)
            {
                invocation.TrySetException(closed);
            }

            _events.Writer.TryComplete();
        }
    }

    private void Dispatch(string record)
    {
        using var document = JsonDocument.Parse(record);
        var message = document.RootElement;
        if (!_handshake.Task.IsCompleted)
        {
            if (message.TryGetProperty("error", out var error))
            {
                _handshake.TrySetException(new InvalidOperationException($"Handshake refused: {error}"));
            }
            else
            {
                _handshake.TrySetResult();
            }

            return;
        }

        switch (message.GetProperty("type").GetInt32())
        {
            case 1 when message.GetProperty("target").GetString() == "ChannelEvent":
                _events.Writer.TryWrite(message.GetProperty("arguments")[0].Clone());
                break;
            case 3 when _invocations.TryRemove(message.GetProperty("invocationId").GetString()!, out var completion):
                if (message.TryGetProperty("error", out var error))
                {
                    completion.TrySetException(new InvalidOperationException(error.GetString()));
                }
                else
                {
                    completion.TrySetResult(message.TryGetProperty("result", out var result) ? result.Clone() : default);
                }

                break;
        }
    }
}
