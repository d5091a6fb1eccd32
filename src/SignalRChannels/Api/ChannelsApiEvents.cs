using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace SignalRChannels.Api;

/// <summary>
/// The publishes of the HTTP API in Pusher's shapes: <c>POST /events</c> <c>{name, data, channel | channels, socket_id}</c>
/// and <c>POST /batch_events</c> <c>{batch: [{name, data, channel, socket_id}]}</c>, through
/// <see cref="IChannelBroadcaster"/>, so they reach every node's subscribers; <c>socket_id</c> is <c>toOthers</c>.
/// </summary>
internal static class ChannelsApiEvents
{
    private const int MaxChannelsPerEvent = 100;
    private const int MaxBatchSize = 10;

    public static async Task<IResult> EventsAsync(HttpContext http, IChannelNamespace names, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return ChannelsApiResults.BadRequest(http, ChannelErrorCodes.InvalidArgument, "the body must be a JSON object");
        }

        var channels = new List<string>();
        if (root.TryGetProperty("channels", out var many) && many.ValueKind == JsonValueKind.Array)
        {
            channels.AddRange(many.EnumerateArray().Take(MaxChannelsPerEvent + 1).Select(c => c.ValueKind == JsonValueKind.String ? c.GetString()! : string.Empty));
        }
        else if (root.TryGetProperty("channel", out var one) && one.ValueKind == JsonValueKind.String)
        {
            channels.Add(one.GetString()!);
        }

        if (channels.Count is 0 or > MaxChannelsPerEvent)
        {
            return ChannelsApiResults.BadRequest(http, ChannelErrorCodes.InvalidArgument, $"an event needs 1 to {MaxChannelsPerEvent} channels");
        }

        return await PublishAsync(http, names, root, channels).ConfigureAwait(false) ?? Results.Json(new { });
    }

    public static async Task<IResult> BatchEventsAsync(HttpContext http, IChannelNamespace names, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("batch", out var batch) || batch.ValueKind != JsonValueKind.Array)
        {
            return ChannelsApiResults.BadRequest(http, ChannelErrorCodes.InvalidArgument, "the body must be {\"batch\": [...]}");
        }

        var count = batch.GetArrayLength();
        if (count is 0 or > MaxBatchSize)
        {
            return ChannelsApiResults.BadRequest(http, ChannelErrorCodes.InvalidArgument, $"a batch holds 1 to {MaxBatchSize} events");
        }

        foreach (var item in batch.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("channel", out var channel) || channel.ValueKind != JsonValueKind.String)
            {
                return ChannelsApiResults.BadRequest(http, ChannelErrorCodes.InvalidArgument, "each batch event needs a channel");
            }

            if (await PublishAsync(http, names, item, [channel.GetString()!]).ConfigureAwait(false) is { } refusal)
            {
                return refusal;
            }
        }

        return Results.Json(new { batch = Enumerable.Range(0, count).Select(_ => new { }).ToArray() });
    }

    private static async Task<IResult?> PublishAsync(HttpContext http, IChannelNamespace names, JsonElement item, List<string> channels)
    {
        var name = item.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        if (string.IsNullOrEmpty(name))
        {
            return ChannelsApiResults.BadRequest(http, ChannelErrorCodes.InvalidArgument, "the event needs a name");
        }

        if (!item.TryGetProperty("data", out var rawData))
        {
            return ChannelsApiResults.BadRequest(http, ChannelErrorCodes.InvalidArgument, "the event needs data");
        }

        var socketId = item.TryGetProperty("socket_id", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        if (socketId is not null && !names.IsWellFormedSocketId(socketId))
        {
            return ChannelsApiResults.BadRequest(http, ChannelErrorCodes.InvalidArgument, "socket_id is not a connection id");
        }

        var coreNames = new List<ChannelName>(channels.Count);
        foreach (var channel in channels)
        {
            if (!names.TryToCore(channel, out var coreName, out var error))
            {
                return ChannelsApiResults.BadRequest(http, ChannelErrorCodes.InvalidChannel, error!);
            }

            coreNames.Add(coreName);
        }

        var data = ToPayload(rawData);
        var broadcaster = http.RequestServices.GetRequiredService<IChannelBroadcaster>();
        foreach (var coreName in coreNames)
        {
            await broadcaster.PublishAsync(coreName.Value, name, data, socketId, http.RequestAborted).ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>
    /// Pusher's <c>data</c> is a string; one that holds JSON is published as that JSON, so SignalR clients receive the
    /// object (Pusher clients still receive the same text). Other strings, and non-string data, pass through.
    /// </summary>
    private static JsonElement ToPayload(JsonElement data)
    {
        if (data.ValueKind == JsonValueKind.String && data.GetString() is { Length: > 0 } text && text[0] is '{' or '[' or '"')
        {
            try
            {
                using var parsed = JsonDocument.Parse(text);
                return parsed.RootElement.Clone();
            }
            catch (JsonException)
            {
            }
        }

        return data.Clone();
    }
}
