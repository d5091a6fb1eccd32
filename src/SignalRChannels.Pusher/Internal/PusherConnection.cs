using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SignalRChannels.Pusher.Internal;

/// <summary>
/// One pusher-js socket, bridged to a real SignalR connection of the app's channel hub inside the process. The bridge
/// speaks the SignalR JSON hub protocol to the hub (Subscribe, Unsubscribe, Whisper, GetHistory) and Pusher protocol 7 to
/// the socket, so groups, presence, history, limits, the pipeline and Redis scale-out apply to Pusher clients unchanged.
/// The connection id is the Pusher socket id, so <c>X-Socket-ID</c> (<c>toOthers</c>) works as for SignalR clients.
/// </summary>
internal sealed class PusherConnection : IChannelGrantFeature
{
    private const byte RecordSeparator = 0x1E;
    private static readonly TimeSpan s_closeHandshakeTimeout = TimeSpan.FromSeconds(5);

    private readonly WebSocket _socket;
    private readonly HttpContext _http;
    private readonly PusherApp _app;
    private readonly bool _isDefaultApp;
    private readonly ConnectionHandler _hub;
    private readonly PusherOptions _options;
    private readonly int _maxChannelNameLength;
    private readonly TimeSpan _hubKeepAlive;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PusherFrameCache _frames;

    private readonly Channel<Outgoing> _outbox = System.Threading.Channels.Channel.CreateUnbounded<Outgoing>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, PresenceMember?> _grants = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Completion>> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ChannelState> _channels = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _hubWriteLock = new(1, 1);
    private readonly CancellationTokenSource _receiveAbort = new();
    private readonly CancellationTokenSource _stopping = new();
    private PipeWriter? _toHub;
    private long _invocationId;
    private long _lastReceived;
    private long _queuedBytes;
    private int _closeRequested;

    public PusherConnection(
        WebSocket socket,
        HttpContext http,
        PusherApp app,
        bool isDefaultApp,
        ConnectionHandler hub,
        PusherFrameCache frames,
        PusherOptions options,
        int maxChannelNameLength,
        TimeSpan hubKeepAlive,
        TimeProvider time,
        ILogger logger)
    {
        _socket = socket;
        _http = http;
        _app = app;
        _isDefaultApp = isDefaultApp;
        _hub = hub;
        _frames = frames;
        _options = options;
        _maxChannelNameLength = maxChannelNameLength;
        _hubKeepAlive = hubKeepAlive;
        _time = time;
        _logger = logger;
        SocketId = PusherSocketIds.Create();
    }

    public string SocketId { get; }

    bool IChannelGrantFeature.TryGetGrant(ChannelName channel, out PresenceMember? member) =>
        _grants.TryGetValue(channel.Value, out member);

    public async Task RunAsync(CancellationToken applicationStopping)
    {
        var (transport, application) = BridgeConnectionContext.CreatePipes();
        _toHub = application.Output;
        var context = new BridgeConnectionContext(SocketId, transport, application, _http, () => RequestClose(4200, "The connection was closed by the server; reconnect"));
        context.Features.Set<IChannelGrantFeature>(this);
        _lastReceived = _time.GetTimestamp();

        var hubTask = Task.Run(() => _hub.OnConnectedAsync(context));
        Task? readHub = null;
        Task? send = null;
        Task? activity = null;
        using var stoppingRegistration = applicationStopping.Register(() => RequestClose(4200, "The server is shutting down; reconnect"));
        try
        {
            await WriteToHubAsync(static w =>
            {
                w.WriteStartObject();
                w.WriteString("protocol", "json");
                w.WriteNumber("version", 1);
                w.WriteEndObject();
            }).ConfigureAwait(false);
            if (!await ReadHandshakeAsync(application.Input).ConfigureAwait(false))
            {
                RequestClose(4100, "The server could not open the connection; try again later");
            }
            else
            {
                readHub = ReadFromHubAsync(application.Input);
                Enqueue(PusherFrames.ConnectionEstablished(SocketId, (int)Math.Max(1, Math.Ceiling(_options.ActivityTimeout.TotalSeconds))));
                activity = KeepAliveAsync();
                PusherLog.Connected(_logger, SocketId, _app.Id);
            }

            send = SendLoopAsync();
            await ReceiveLoopAsync().ConfigureAwait(false);
            // The client closed (or vanished): answer its close unless we had started one.
            RequestClose((int)WebSocketCloseStatus.NormalClosure, "Goodbye");
        }
        finally
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await application.Output.CompleteAsync().ConfigureAwait(false);
            try
            {
                await hubTask.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                PusherLog.BridgeFailed(_logger, ex, SocketId);
            }

            _outbox.Writer.TryComplete();
            foreach (var task in new[] { readHub, send, activity })
            {
                if (task is not null)
                {
                    try
                    {
                        await task.ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
                    {
                    }
                }
            }

            FailPending();
            _receiveAbort.Dispose();
            _stopping.Dispose();
            PusherLog.Disconnected(_logger, SocketId);
        }
    }

    // ---- Pusher socket → bridge ----

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_options.MaxMessageBytes + 1);
        try
        {
            while (_socket.State == WebSocketState.Open || _socket.State == WebSocketState.CloseSent)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length > _options.MaxMessageBytes)
                    {
                        RequestClose((int)WebSocketCloseStatus.MessageTooBig, $"Messages are limited to {_options.MaxMessageBytes} bytes");
                        return;
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(length, buffer.Length - length), _receiveAbort.Token).ConfigureAwait(false);
                    length += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (length > _options.MaxMessageBytes)
                {
                    RequestClose((int)WebSocketCloseStatus.MessageTooBig, $"Messages are limited to {_options.MaxMessageBytes} bytes");
                    return;
                }

                Volatile.Write(ref _lastReceived, _time.GetTimestamp());
                if (Volatile.Read(ref _closeRequested) == 0)
                {
                    await HandleMessageAsync(buffer.AsMemory(0, length)).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The client went away, or did not answer our close in time.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task HandleMessageAsync(ReadOnlyMemory<byte> message)
    {
        string? eventName;
        string? channel;
        JsonElement data;
        try
        {
            using var document = JsonDocument.Parse(message);
            var root = document.RootElement;
            eventName = root.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            channel = root.TryGetProperty("channel", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            data = root.TryGetProperty("data", out var d) ? d.Clone() : default;
        }
        catch (JsonException)
        {
            Enqueue(PusherFrames.Error(null, "The message is not valid JSON"));
            return;
        }

        if (data.ValueKind == JsonValueKind.String && data.GetString() is { } text && text.StartsWith('{'))
        {
            // Some clients send data JSON-encoded, as the server does.
            try
            {
                using var inner = JsonDocument.Parse(text);
                data = inner.RootElement.Clone();
            }
            catch (JsonException)
            {
            }
        }

        switch (eventName)
        {
            case "pusher:ping":
                Enqueue(PusherFrames.Event("pusher:pong", null, "{}"));
                break;
            case "pusher:pong":
                break;
            case "pusher:subscribe":
                await SubscribeAsync(data).ConfigureAwait(false);
                break;
            case "pusher:unsubscribe":
                await UnsubscribeAsync(data).ConfigureAwait(false);
                break;
            case null:
                Enqueue(PusherFrames.Error(null, "The message has no event"));
                break;
            default:
                if (eventName.StartsWith(EventNames.ClientPrefix, StringComparison.Ordinal))
                {
                    await ClientEventAsync(eventName, channel, data).ConfigureAwait(false);
                }
                else
                {
                    Enqueue(PusherFrames.Error(null, $"Unsupported event '{eventName}'"));
                }

                break;
        }
    }

    private async Task SubscribeAsync(JsonElement data)
    {
        var pusherName = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("channel", out var c) && c.ValueKind == JsonValueKind.String
            ? c.GetString()
            : null;
        if (pusherName is null)
        {
            Enqueue(PusherFrames.Error(null, "pusher:subscribe needs data.channel"));
            return;
        }

        if (!PusherChannelNames.TryToCore(_app, _isDefaultApp, pusherName, _maxChannelNameLength, out var name, out var nameError))
        {
            Enqueue(PusherFrames.SubscriptionError(pusherName, $"{ChannelErrorCodes.InvalidChannel}: {nameError}", 400));
            return;
        }

        PresenceMember? member = null;
        if (name.Kind != ChannelKind.Public)
        {
            var auth = StringProperty(data, "auth");
            var channelData = name.Kind == ChannelKind.Presence ? StringProperty(data, "channel_data") : null;
            if (!PusherSignatures.VerifyChannelAuth(_app, SocketId, pusherName, channelData, auth))
            {
                PusherLog.BadSignature(_logger, SocketId, pusherName);
                Enqueue(PusherFrames.SubscriptionError(pusherName, $"Invalid signature: the auth of '{pusherName}' does not match this socket and channel", 401));
                return;
            }

            if (name.Kind == ChannelKind.Presence && !TryReadMember(channelData, out member))
            {
                Enqueue(PusherFrames.SubscriptionError(pusherName, "channel_data must be a JSON object with a user_id", 400));
                return;
            }

            _grants[name.Value] = member;
        }

        var state = _channels.AddOrUpdate(
            name.Value,
            _ => new ChannelState(pusherName, name.Kind, member?.Id),
            (_, existing) => existing.IsSubscribed ? existing.WithMember(member?.Id) : new ChannelState(pusherName, name.Kind, member?.Id));
        var completion = await InvokeAsync("Subscribe", w =>
        {
            w.WriteStringValue(name.Value);
            w.WriteNullValue();
        }).ConfigureAwait(false);
        _ = CompleteSubscribeAsync(name, state, completion);
    }

    private async Task CompleteSubscribeAsync(ChannelName name, ChannelState state, Task<Completion> completion)
    {
        var result = await completion.ConfigureAwait(false);
        if (result.Error is { } error)
        {
            _channels.TryRemove(new KeyValuePair<string, ChannelState>(name.Value, state));
            _grants.TryRemove(name.Value, out _);
            var status = error.StartsWith(ChannelErrorCodes.Forbidden, StringComparison.Ordinal) ? 403
                : error.StartsWith(ChannelErrorCodes.Unavailable, StringComparison.Ordinal) ? 503
                : 400;
            Enqueue(PusherFrames.SubscriptionError(state.PusherName, error, status));
            return;
        }

        var succeeded = name.Kind == ChannelKind.Presence && result.Result.TryGetProperty("members", out var members) && members.ValueKind == JsonValueKind.Array
            ? PusherFrames.PresenceData(members)
            : "{}";
        HashSet<string>? listed = null;
        if (name.Kind == ChannelKind.Presence && result.Result.TryGetProperty("members", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            listed = [.. list.EnumerateArray().Select(m => m.GetProperty("id").GetString()!)];
        }

        ChannelEventFrame? last = null;
        var isCache = IsCacheChannel(state.PusherName);
        if (isCache)
        {
            last = await ReadLastEventAsync(name).ConfigureAwait(false);
        }

        lock (state)
        {
            Enqueue(PusherFrames.Event("pusher_internal:subscription_succeeded", state.PusherName, succeeded));
            if (isCache)
            {
                Enqueue(last is { } cached
                    ? PusherFrames.Event(cached.Event, state.PusherName, cached.Data)
                    : PusherFrames.Event("pusher:cache_miss", state.PusherName, "{}"));
            }

            foreach (var held in state.TakeHeld())
            {
                // Presence events held while subscribing: the member list already reflects those it lists.
                if (held.MemberId is { } memberId && listed is not null
                    && (held.IsJoin ? listed.Contains(memberId) : !listed.Contains(memberId)))
                {
                    continue;
                }

                Enqueue(held.Frame);
            }
        }
    }

    /// <summary>The newest event of a <c>cache-</c> channel from its history, if the channel keeps history.</summary>
    private async Task<ChannelEventFrame?> ReadLastEventAsync(ChannelName name)
    {
        var completion = await InvokeAsync("GetHistory", w =>
        {
            w.WriteStringValue(name.Value);
            w.WriteStartObject();
            w.WriteNumber("limit", 1);
            w.WriteBoolean("reverse", true);
            w.WriteEndObject();
        }).ConfigureAwait(false);
        var result = await completion.ConfigureAwait(false);
        if (result.Error is not null
            || !result.Result.TryGetProperty("events", out var events)
            || events.ValueKind != JsonValueKind.Array
            || events.GetArrayLength() == 0)
        {
            return null;
        }

        var newest = events[0];
        return new ChannelEventFrame(newest.GetProperty("event").GetString()!, PusherFrames.DataString(newest.GetProperty("data")));
    }

    private async Task UnsubscribeAsync(JsonElement data)
    {
        var pusherName = StringProperty(data, "channel");
        if (pusherName is null
            || !PusherChannelNames.TryToCore(_app, _isDefaultApp, pusherName, _maxChannelNameLength, out var name, out _))
        {
            return;
        }

        _channels.TryRemove(name.Value, out _);
        _grants.TryRemove(name.Value, out _);
        await InvokeAsync("Unsubscribe", w => w.WriteStringValue(name.Value)).ConfigureAwait(false);
    }

    private async Task ClientEventAsync(string eventName, string? pusherName, JsonElement data)
    {
        if (pusherName is null
            || !PusherChannelNames.TryToCore(_app, _isDefaultApp, pusherName, _maxChannelNameLength, out var name, out _)
            || !_channels.TryGetValue(name.Value, out var state)
            || !state.IsSubscribed)
        {
            Enqueue(PusherFrames.Error(null, $"Client event rejected: subscribe to '{pusherName}' first"));
            return;
        }

        if (name.Kind == ChannelKind.Public || pusherName.StartsWith("private-encrypted-", StringComparison.Ordinal))
        {
            Enqueue(PusherFrames.Error(null, "Client events are only allowed on private and presence channels (not on encrypted ones)"));
            return;
        }

        var completion = await InvokeAsync("Whisper", w =>
        {
            w.WriteStringValue(name.Value);
            w.WriteStringValue(eventName[EventNames.ClientPrefix.Length..]);
            if (data.ValueKind == JsonValueKind.Undefined)
            {
                w.WriteNullValue();
            }
            else
            {
                data.WriteTo(w);
            }
        }).ConfigureAwait(false);
        _ = ReportClientEventErrorAsync(completion);
    }

    private async Task ReportClientEventErrorAsync(Task<Completion> completion)
    {
        var result = await completion.ConfigureAwait(false);
        if (result.Error is { } error)
        {
            var code = error.StartsWith(ChannelErrorCodes.RateLimited, StringComparison.Ordinal) ? 4301 : (int?)null;
            Enqueue(PusherFrames.Error(code, $"Client event rejected: {error}"));
        }
    }

    // ---- hub → Pusher socket ----

    private async Task<bool> ReadHandshakeAsync(PipeReader input)
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

    private async Task ReadFromHubAsync(PipeReader input)
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
                    HandleHubRecord(record);
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
            PusherLog.BridgeFailed(_logger, ex, SocketId);
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
            FailPending();
            RequestClose(4200, "The connection was closed by the server; reconnect");
        }
    }

    private void HandleHubRecord(ReadOnlySequence<byte> record)
    {
        if (_frames.TryGet(record, out var hash, out var cached))
        {
            Deliver(cached!);
            return;
        }

        using var document = JsonDocument.Parse(record);
        var root = document.RootElement;
        switch (root.GetProperty("type").GetInt32())
        {
            case 1 when root.TryGetProperty("target", out var target) && target.ValueEquals(ChannelEvent.ClientMethodName):
                var translated = Translate(root.GetProperty("arguments")[0]);
                _frames.Add(record, hash, translated);
                Deliver(translated);
                break;
            case 3:
                var id = root.GetProperty("invocationId").GetString()!;
                if (_pending.TryRemove(id, out var pending))
                {
                    pending.TrySetResult(root.TryGetProperty("error", out var error)
                        ? new Completion(default, CodedMessage(error.GetString()))
                        : new Completion(root.TryGetProperty("result", out var result) ? result.Clone() : default, null));
                }

                break;
            case 7:
                RequestClose(4200, "The connection was closed by the server; reconnect");
                break;
        }
    }

    /// <summary>Turns a core channel event into its Pusher frame; nothing in it depends on the receiving connection.</summary>
    private TranslatedEvent Translate(JsonElement channelEvent)
    {
        var coreName = channelEvent.GetProperty("channel").GetString()!;
        var pusherName = PusherChannelNames.ToPusher(_app, _isDefaultApp, coreName);
        var eventName = channelEvent.GetProperty("event").GetString()!;
        var data = channelEvent.GetProperty("data");
        switch (eventName)
        {
            case EventNames.MemberJoined:
            {
                var id = data.GetProperty("id").GetString()!;
                return new TranslatedEvent(coreName, PusherFrames.Event("pusher_internal:member_added", pusherName, PusherFrames.MemberAdded(data)), id, IsJoin: true);
            }

            case EventNames.MemberLeft:
            {
                var id = data.GetProperty("id").GetString()!;
                return new TranslatedEvent(coreName, PusherFrames.Event("pusher_internal:member_removed", pusherName, PusherFrames.MemberRemoved(id)), id, IsJoin: false);
            }

            case EventNames.Unsubscribed:
                return new TranslatedEvent(coreName, null, null, IsJoin: false);

            default:
                var userId = coreName.StartsWith("presence-", StringComparison.Ordinal)
                    && eventName.StartsWith(EventNames.ClientPrefix, StringComparison.Ordinal)
                    && channelEvent.TryGetProperty("from", out var from)
                        ? from.GetString()
                        : null;
                return new TranslatedEvent(coreName, PusherFrames.Event(eventName, pusherName, PusherFrames.DataString(data), userId), null, IsJoin: false);
        }
    }

    private void Deliver(TranslatedEvent translated)
    {
        if (!_channels.TryGetValue(translated.CoreChannel, out var state))
        {
            return;
        }

        if (translated.Frame is null)
        {
            // The server ended the subscription (a revocation): Pusher has no message for it, so the client simply
            // stops receiving the channel's events.
            _channels.TryRemove(new KeyValuePair<string, ChannelState>(translated.CoreChannel, state));
            _grants.TryRemove(translated.CoreChannel, out _);
            return;
        }

        // Pusher never tells a member about its own user joining or leaving.
        if (translated.MemberId is not null && translated.MemberId == state.MemberId)
        {
            return;
        }

        var frame = new HeldFrame(translated.Frame, translated.MemberId, translated.IsJoin);
        lock (state)
        {
            if (state.IsSubscribed)
            {
                Enqueue(frame.Frame);
            }
            else
            {
                state.Hold(frame);
            }
        }
    }

    // ---- bridge → hub ----

    /// <summary>Writes an invocation to the hub and returns the task of its completion.</summary>
    private async Task<Task<Completion>> InvokeAsync(string target, Action<Utf8JsonWriter> writeArguments)
    {
        var id = Interlocked.Increment(ref _invocationId).ToString(CultureInfo.InvariantCulture);
        var completion = new TaskCompletionSource<Completion>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        try
        {
            await WriteToHubAsync(w =>
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
            completion.TrySetResult(new Completion(default, $"{ChannelErrorCodes.Unavailable}: the connection is closing"));
        }

        if (_stopping.IsCancellationRequested)
        {
            FailPending();
        }

        return completion.Task;
    }

    private async Task WriteToHubAsync(Action<Utf8JsonWriter> write)
    {
        var output = _toHub!;
        await _hubWriteLock.WaitAsync(_stopping.Token).ConfigureAwait(false);
        try
        {
            using (var writer = new Utf8JsonWriter(output))
            {
                write(writer);
            }

            output.GetSpan(1)[0] = RecordSeparator;
            output.Advance(1);
            await output.FlushAsync(_stopping.Token).ConfigureAwait(false);
        }
        finally
        {
            _hubWriteLock.Release();
        }
    }

    private void FailPending()
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var pending))
            {
                pending.TrySetResult(new Completion(default, $"{ChannelErrorCodes.Unavailable}: the connection is closing"));
            }
        }
    }

    // ---- liveness ----

    /// <summary>
    /// Pings a Pusher client that has been silent for the activity timeout and closes it (4201) when the pong does not
    /// come; pings the hub at its keep-alive interval so SignalR's client timeout never fires for a quiet Pusher client.
    /// </summary>
    private async Task KeepAliveAsync()
    {
        var token = _stopping.Token;
        var lastHubPing = _time.GetTimestamp();
        long? pingedAt = null;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var now = _time.GetTimestamp();
                var lastReceived = Volatile.Read(ref _lastReceived);
                if (pingedAt is { } pinged)
                {
                    if (lastReceived >= pinged)
                    {
                        pingedAt = null;
                    }
                    else if (_time.GetElapsedTime(pinged, now) >= _options.PongTimeout)
                    {
                        RequestClose(4201, "Pong reply not received");
                        return;
                    }
                }
                else if (_time.GetElapsedTime(lastReceived, now) >= _options.ActivityTimeout)
                {
                    pingedAt = now;
                    Enqueue(PusherFrames.Event("pusher:ping", null, "{}"));
                }

                if (_time.GetElapsedTime(lastHubPing, now) >= _hubKeepAlive)
                {
                    lastHubPing = now;
                    await WriteToHubAsync(static w =>
                    {
                        w.WriteStartObject();
                        w.WriteNumber("type", 6);
                        w.WriteEndObject();
                    }).ConfigureAwait(false);
                }

                var wait = pingedAt is { } p
                    ? _options.PongTimeout - _time.GetElapsedTime(p, now)
                    : _options.ActivityTimeout - _time.GetElapsedTime(lastReceived, now);
                var untilHubPing = _hubKeepAlive - _time.GetElapsedTime(lastHubPing, now);
                wait = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(10).Ticks, Math.Min(wait.Ticks, untilHubPing.Ticks)));
                await Task.Delay(wait, _time, token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    // ---- outgoing frames ----

    private void Enqueue(byte[] frame)
    {
        if (Interlocked.Add(ref _queuedBytes, frame.Length) > _options.MaxQueuedBytes)
        {
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            RequestClose(4100, "The client is too slow to receive its messages; reconnect later");
            return;
        }

        if (!_outbox.Writer.TryWrite(new Outgoing(frame, 0, null)))
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

        PusherLog.Closing(_logger, SocketId, code, reason);
        if (code is >= 4000 and < 4100)
        {
            _outbox.Writer.TryWrite(new Outgoing(PusherFrames.Error(code, reason), 0, null));
        }

        _outbox.Writer.TryWrite(new Outgoing(null, code, reason));
        _outbox.Writer.TryComplete();
        try
        {
            _receiveAbort.CancelAfter(s_closeHandshakeTimeout);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task SendLoopAsync()
    {
        await foreach (var item in _outbox.Reader.ReadAllAsync().ConfigureAwait(false))
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

    // ---- helpers ----

    private static string? StringProperty(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>The member named by a presence subscription's verified <c>channel_data</c>: <c>{user_id, user_info?}</c>.</summary>
    private static bool TryReadMember(string? channelData, out PresenceMember? member)
    {
        member = null;
        if (channelData is null)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(channelData);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("user_id", out var userId))
            {
                return false;
            }

            var id = userId.ValueKind switch
            {
                JsonValueKind.String => userId.GetString(),
                JsonValueKind.Number => userId.GetRawText(),
                _ => null,
            };
            if (string.IsNullOrEmpty(id))
            {
                return false;
            }

            member = new PresenceMember(id, root.TryGetProperty("user_info", out var info) ? info.Clone() : null);
            return true;
        }
        catch (JsonException)
        {
            return false;
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

    private static bool IsCacheChannel(string pusherName) =>
        pusherName.StartsWith("cache-", StringComparison.Ordinal)
        || pusherName.StartsWith("private-cache-", StringComparison.Ordinal)
        || pusherName.StartsWith("presence-cache-", StringComparison.Ordinal)
        || pusherName.StartsWith("private-encrypted-cache-", StringComparison.Ordinal);

    private readonly record struct Outgoing(byte[]? Frame, int CloseCode, string? CloseReason);

    private readonly record struct Completion(JsonElement Result, string? Error);

    private readonly record struct ChannelEventFrame(string Event, string Data);

    private readonly record struct HeldFrame(byte[] Frame, string? MemberId, bool IsJoin);

    /// <summary>A channel the Pusher client asked for; events are held until its subscription succeeded.</summary>
    private sealed class ChannelState(string pusherName, ChannelKind kind, string? memberId)
    {
        private List<HeldFrame>? _held = [];

        public string PusherName { get; } = pusherName;

        public ChannelKind Kind { get; } = kind;

        public string? MemberId { get; private set; } = memberId;

        public bool IsSubscribed => _held is null;

        public ChannelState WithMember(string? memberId)
        {
            MemberId = memberId;
            return this;
        }

        public void Hold(HeldFrame frame) => _held!.Add(frame);

        public List<HeldFrame> TakeHeld()
        {
            var held = _held ?? [];
            _held = null;
            return held;
        }
    }
}
