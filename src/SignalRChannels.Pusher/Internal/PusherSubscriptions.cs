using System.Collections.Concurrent;
using System.Text.Json;

namespace SignalRChannels.Pusher.Internal;

/// <summary>
/// The channels of one Pusher socket and the grants its verified auth gave, and how hub results and events become its
/// Pusher frames: <c>subscription_succeeded</c> (with the presence list), the <c>cache-</c> channel's last event or
/// <c>cache_miss</c>, <c>subscription_error</c>, and channel events — held while subscribing, never a member's own join.
/// </summary>
internal sealed class PusherSubscriptions(HubBridge bridge, PusherOutbox outbox) : IChannelGrantFeature
{
    private readonly ConcurrentDictionary<string, PresenceMember?> _grants = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PusherChannelState> _channels = new(StringComparer.Ordinal);

    bool IChannelGrantFeature.TryGetGrant(ChannelName channel, out PresenceMember? member) =>
        _grants.TryGetValue(channel.Value, out member);

    /// <summary>Records a subscription request (and the grant of a private or presence channel) before the hub is asked.</summary>
    public PusherChannelState Begin(ChannelName name, string pusherName, PresenceMember? member)
    {
        if (name.Kind != ChannelKind.Public)
        {
            _grants[name.Value] = member;
        }

        return _channels.AddOrUpdate(
            name.Value,
            _ => new PusherChannelState(pusherName, name.Kind, member?.Id),
            (_, existing) => existing.IsSubscribed ? existing.WithMember(member?.Id) : new PusherChannelState(pusherName, name.Kind, member?.Id));
    }

    public void Remove(ChannelName name)
    {
        _channels.TryRemove(name.Value, out _);
        _grants.TryRemove(name.Value, out _);
    }

    public bool IsSubscribed(ChannelName name) => _channels.TryGetValue(name.Value, out var state) && state.IsSubscribed;

    /// <summary>Answers a subscription once the hub completed it, then sends the events held meanwhile.</summary>
    public async Task CompleteSubscribeAsync(ChannelName name, PusherChannelState state, Task<HubCompletion> completion)
    {
        var result = await completion.ConfigureAwait(false);
        if (result.Error is { } error)
        {
            _channels.TryRemove(new KeyValuePair<string, PusherChannelState>(name.Value, state));
            _grants.TryRemove(name.Value, out _);
            var status = error.StartsWith(ChannelErrorCodes.Forbidden, StringComparison.Ordinal) ? 403
                : error.StartsWith(ChannelErrorCodes.Unavailable, StringComparison.Ordinal) ? 503
                : 400;
            outbox.Enqueue(PusherFrames.SubscriptionError(state.PusherName, error, status));
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
            outbox.Enqueue(PusherFrames.Event("pusher_internal:subscription_succeeded", state.PusherName, succeeded));
            if (isCache)
            {
                outbox.Enqueue(last is { } cached
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

                outbox.Enqueue(held.Frame);
            }
        }
    }

    /// <summary>Sends a translated hub event to the client if it asked for the channel, holding it while subscribing.</summary>
    public void Deliver(TranslatedEvent translated)
    {
        if (!_channels.TryGetValue(translated.CoreChannel, out var state))
        {
            return;
        }

        if (translated.Frame is null)
        {
            // The server ended the subscription (a revocation): Pusher has no message for it, so the client simply
            // stops receiving the channel's events.
            _channels.TryRemove(new KeyValuePair<string, PusherChannelState>(translated.CoreChannel, state));
            _grants.TryRemove(translated.CoreChannel, out _);
            return;
        }

        // Pusher never tells a member about its own user joining or leaving.
        if (translated.MemberId is not null && translated.MemberId == state.MemberId)
        {
            return;
        }

        var frame = new PusherChannelState.HeldFrame(translated.Frame, translated.MemberId, translated.IsJoin);
        lock (state)
        {
            if (state.IsSubscribed)
            {
                outbox.Enqueue(frame.Frame);
            }
            else
            {
                state.Hold(frame);
            }
        }
    }

    /// <summary>The newest event of a <c>cache-</c> channel from its history, if the channel keeps history.</summary>
    private async Task<ChannelEventFrame?> ReadLastEventAsync(ChannelName name)
    {
        var completion = await bridge.InvokeAsync("GetHistory", w =>
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

    private static bool IsCacheChannel(string pusherName) =>
        pusherName.StartsWith("cache-", StringComparison.Ordinal)
        || pusherName.StartsWith("private-cache-", StringComparison.Ordinal)
        || pusherName.StartsWith("presence-cache-", StringComparison.Ordinal)
        || pusherName.StartsWith("private-encrypted-cache-", StringComparison.Ordinal);

    private readonly record struct ChannelEventFrame(string Event, string Data);
}
