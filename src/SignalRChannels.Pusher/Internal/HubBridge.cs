using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace SignalRChannels.Pusher.Internal;

/// <summary>
/// The hub side of the Pusher bridge: writes SignalR JSON hub protocol records (handshake, invocations, pings) into the
/// in-process connection's pipe and reads the hub's records back — completions resolve pending invocations,
/// <c>ChannelEvent</c> invocations are translated and handed on, a close ends the socket.
/// </summary>
internal sealed class HubBridge
{
    private const byte RecordSeparator = 0x1E;

    private readonly PipeWriter _toHub;
    private readonly PusherEventTranslator _translator;
    private readonly Action _onClosed;
    private readonly string _socketId;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<HubCompletion>> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private long _invocationId;

    public HubBridge(PipeWriter toHub, PusherEventTranslator translator, Action onClosed, string socketId, ILogger logger, CancellationToken stopping)
    {
        _toHub = toHub;
        _translator = translator;
        _onClosed = onClosed;
        _socketId = socketId;
        _logger = logger;
        _stopping = stopping;
    }

    /// <summary>Sends the JSON protocol handshake and tells whether the hub accepted it.</summary>
    public async Task<bool> HandshakeAsync(PipeReader input)
    {
        await WriteAsync(static w =>
        {
            w.WriteStartObject();
            w.WriteString("protocol", "json");
            w.WriteNumber("version", 1);
            w.WriteEndObject();
        }).ConfigureAwait(false);
        return await ReadHandshakeAsync(input).ConfigureAwait(false);
    }

    /// <summary>Writes an invocation to the hub and returns the task of its completion.</summary>
    public async Task<Task<HubCompletion>> InvokeAsync(string target, Action<Utf8JsonWriter> writeArguments)
    {
        var id = Interlocked.Increment(ref _invocationId).ToString(CultureInfo.InvariantCulture);
        var completion = new TaskCompletionSource<HubCompletion>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        try
        {
            await WriteAsync(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("type", 1);
                w.WriteString("invocationId", id);
                w.WriteString("target", target);
                w.WriteStartArray("arguments");
                writeArguments(w);
                w.WriteEndArray();
                w.WriteEndObject();
            }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // The hub side is gone.
            _pending.TryRemove(id, out _);
            completion.TrySetResult(new HubCompletion(default, $"{ChannelErrorCodes.Unavailable}: the connection is closing"));
        }

        if (_stopping.IsCancellationRequested)
        {
            FailPending();
        }

        return completion.Task;
    }

    /// <summary>Sends a SignalR ping, so the hub's client timeout never fires for a quiet Pusher client.</summary>
    public Task PingAsync() => WriteAsync(static w =>
    {
        w.WriteStartObject();
        w.WriteNumber("type", 6);
        w.WriteEndObject();
    });

    /// <summary>Reads the hub's records until the hub side ends, handing translated channel events to <paramref name="deliver"/>.</summary>
    public async Task ReadAsync(PipeReader input, Action<TranslatedEvent> deliver)
    {
        try
        {
            while (true)
            {
                var read = await input.ReadAsync().ConfigureAwait(false);
                var buffer = read.Buffer;
                var reader = new SequenceReader<byte>(buffer);
                while (reader.TryReadTo(out ReadOnlySequence<byte> record, RecordSeparator))
                {
                    HandleRecord(record, deliver);
                }

                input.AdvanceTo(reader.Position, buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            PusherLog.BridgeFailed(_logger, ex, _socketId);
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
            FailPending();
            _onClosed();
        }
    }

    /// <summary>Completes every pending invocation with an unavailable error.</summary>
    public void FailPending()
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var pending))
            {
                pending.TrySetResult(new HubCompletion(default, $"{ChannelErrorCodes.Unavailable}: the connection is closing"));
            }
        }
    }

    private static async Task<bool> ReadHandshakeAsync(PipeReader input)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            while (true)
            {
                var read = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
                var buffer = read.Buffer;
                var reader = new SequenceReader<byte>(buffer);
                if (reader.TryReadTo(out ReadOnlySequence<byte> record, RecordSeparator))
                {
                    bool accepted;
                    using (var document = JsonDocument.Parse(record))
                    {
                        accepted = !document.RootElement.TryGetProperty("error", out _);
                    }

                    input.AdvanceTo(reader.Position);
                    return accepted;
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted)
                {
                    return false;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void HandleRecord(ReadOnlySequence<byte> record, Action<TranslatedEvent> deliver)
    {
        if (_translator.TryGetCached(record, out var hash, out var cached))
        {
            deliver(cached!);
            return;
        }

        using var document = JsonDocument.Parse(record);
        var root = document.RootElement;
        switch (root.GetProperty("type").GetInt32())
        {
            case 1 when root.TryGetProperty("target", out var target) && target.ValueEquals(ChannelEvent.ClientMethodName):
                deliver(_translator.Translate(record, hash, root.GetProperty("arguments")[0]));
                break;
            case 3:
                var id = root.GetProperty("invocationId").GetString()!;
                if (_pending.TryRemove(id, out var pending))
                {
                    pending.TrySetResult(root.TryGetProperty("error", out var error)
                        ? new HubCompletion(default, CodedMessage(error.GetString()))
                        : new HubCompletion(root.TryGetProperty("result", out var result) ? result.Clone() : default, null));
                }

                break;
            case 7:
                _onClosed();
                break;
        }
    }

    private async Task WriteAsync(Action<Utf8JsonWriter> write)
    {
        await _writeLock.WaitAsync(_stopping).ConfigureAwait(false);
        try
        {
            using (var writer = new Utf8JsonWriter(_toHub))
            {
                write(writer);
            }

            _toHub.GetSpan(1)[0] = RecordSeparator;
            _toHub.Advance(1);
            await _toHub.FlushAsync(_stopping).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The coded message (<c>code: detail</c>) of a SignalR completion error, which wraps it in <c>… HubException: </c>.</summary>
    private static string CodedMessage(string? error)
    {
        const string Marker = "HubException: ";
        if (string.IsNullOrEmpty(error))
        {
            return $"{ChannelErrorCodes.Unavailable}: the server could not complete the request";
        }

        var at = error.IndexOf(Marker, StringComparison.Ordinal);
        return at < 0 ? error : error[(at + Marker.Length)..];
    }
}
