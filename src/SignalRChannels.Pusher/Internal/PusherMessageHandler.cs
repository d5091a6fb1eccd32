using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace SignalRChannels.Pusher.Internal;

/// <summary>
/// Handles one message from a Pusher client: <c>pusher:ping</c>, <c>pusher:subscribe</c> (with its channel auth
/// verified), <c>pusher:unsubscribe</c> and <c>client-</c> events, turned into hub invocations; bad messages get a
/// <c>pusher:error</c>.
/// </summary>
internal sealed class PusherMessageHandler
{
    private readonly PusherAppScope _scope;
    private readonly string _socketId;
    private readonly PusherSubscriptions _subscriptions;
    private readonly HubBridge _bridge;
    private readonly PusherOutbox _outbox;
    private readonly ILogger _logger;

    public PusherMessageHandler(PusherAppScope scope, string socketId, PusherSubscriptions subscriptions, HubBridge bridge, PusherOutbox outbox, ILogger logger)
    {
        _scope = scope;
        _socketId = socketId;
        _subscriptions = subscriptions;
        _bridge = bridge;
        _outbox = outbox;
        _logger = logger;
    }

    public async Task HandleAsync(ReadOnlyMemory<byte> message)
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
            _outbox.Enqueue(PusherFrames.Error(null, "The message is not valid JSON"));
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
                _outbox.Enqueue(PusherFrames.Event("pusher:pong", null, "{}"));
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
                _outbox.Enqueue(PusherFrames.Error(null, "The message has no event"));
                break;
            default:
                if (eventName.StartsWith(EventNames.ClientPrefix, StringComparison.Ordinal))
                {
                    await ClientEventAsync(eventName, channel, data).ConfigureAwait(false);
                }
                else
                {
                    _outbox.Enqueue(PusherFrames.Error(null, $"Unsupported event '{eventName}'"));
                }

                break;
        }
    }

    private async Task SubscribeAsync(JsonElement data)
    {
        var pusherName = StringProperty(data, "channel");
        if (pusherName is null)
        {
            _outbox.Enqueue(PusherFrames.Error(null, "pusher:subscribe needs data.channel"));
            return;
        }

        if (!_scope.TryToCore(pusherName, out var name, out var nameError))
        {
            _outbox.Enqueue(PusherFrames.SubscriptionError(pusherName, $"{ChannelErrorCodes.InvalidChannel}: {nameError}", 400));
            return;
        }

        PresenceMember? member = null;
        if (name.Kind != ChannelKind.Public)
        {
            var auth = StringProperty(data, "auth");
            var channelData = name.Kind == ChannelKind.Presence ? StringProperty(data, "channel_data") : null;
            if (!PusherSignatures.VerifyChannelAuth(_scope.App, _socketId, pusherName, channelData, auth))
            {
                PusherLog.BadSignature(_logger, _socketId, pusherName);
                _outbox.Enqueue(PusherFrames.SubscriptionError(pusherName, $"Invalid signature: the auth of '{pusherName}' does not match this socket and channel", 401));
                return;
            }

            if (name.Kind == ChannelKind.Presence && !TryReadMember(channelData, out member))
            {
                _outbox.Enqueue(PusherFrames.SubscriptionError(pusherName, "channel_data must be a JSON object with a user_id", 400));
                return;
            }
        }

        var state = _subscriptions.Begin(name, pusherName, member);
        var completion = await _bridge.InvokeAsync("Subscribe", w =>
        {
            w.WriteStringValue(name.Value);
            w.WriteNullValue();
        }).ConfigureAwait(false);
        _ = _subscriptions.CompleteSubscribeAsync(name, state, completion);
    }

    private async Task UnsubscribeAsync(JsonElement data)
    {
        var pusherName = StringProperty(data, "channel");
        if (pusherName is null || !_scope.TryToCore(pusherName, out var name, out _))
        {
            return;
        }

        _subscriptions.Remove(name);
        await _bridge.InvokeAsync("Unsubscribe", w => w.WriteStringValue(name.Value)).ConfigureAwait(false);
    }

    private async Task ClientEventAsync(string eventName, string? pusherName, JsonElement data)
    {
        if (pusherName is null
            || !_scope.TryToCore(pusherName, out var name, out _)
            || !_subscriptions.IsSubscribed(name))
        {
            _outbox.Enqueue(PusherFrames.Error(null, $"Client event rejected: subscribe to '{pusherName}' first"));
            return;
        }

        if (name.Kind == ChannelKind.Public || pusherName.StartsWith("private-encrypted-", StringComparison.Ordinal))
        {
            _outbox.Enqueue(PusherFrames.Error(null, "Client events are only allowed on private and presence channels (not on encrypted ones)"));
            return;
        }

        var completion = await _bridge.InvokeAsync("Whisper", w =>
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

    private async Task ReportClientEventErrorAsync(Task<HubCompletion> completion)
    {
        var result = await completion.ConfigureAwait(false);
        if (result.Error is { } error)
        {
            var code = error.StartsWith(ChannelErrorCodes.RateLimited, StringComparison.Ordinal) ? 4301 : (int?)null;
            _outbox.Enqueue(PusherFrames.Error(code, $"Client event rejected: {error}"));
        }
    }

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
}
