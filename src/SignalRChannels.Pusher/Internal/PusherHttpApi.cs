using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SignalRChannels.Pusher.Internal;

/// <summary>
/// The Pusher HTTP API for publishers (<c>POST /apps/{id}/events</c>, <c>/batch_events</c>), with Pusher's request
/// signing: <c>auth_signature</c> = HMAC-SHA256 over <c>METHOD\npath\nsorted-params</c>, a timestamp window and
/// <c>body_md5</c>. Events go through <see cref="IChannelBroadcaster"/>, so they reach Pusher and SignalR clients on
/// every node; <c>socket_id</c> is <c>toOthers</c>.
/// </summary>
internal static class PusherHttpApi
{
    private const int MaxChannelsPerEvent = 100;
    private const int MaxBatchSize = 10;
    private const int MaxBodyBytes = 1024 * 1024;

    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/apps/{appId}/events", (Delegate)EventsAsync).DisableAntiforgery();
        group.MapPost("/apps/{appId}/batch_events", (Delegate)BatchEventsAsync).DisableAntiforgery();
        group.MapGet("/apps/{appId}/channels", (Delegate)ChannelsAsync);
        group.MapGet("/apps/{appId}/channels/{channel}", (Delegate)ChannelAsync);
        group.MapGet("/apps/{appId}/channels/{channel}/users", (Delegate)UsersAsync);
    }

    private static async Task<IResult> ChannelsAsync(HttpContext http, string appId)
    {
        var (request, failure) = await AuthenticateAsync(http, appId).ConfigureAwait(false);
        request?.Body.Dispose();
        return failure ?? NotAvailable(http);
    }

    /// <summary>Presence channels: <c>{occupied, user_count}</c>, cluster-wide from the presence store.</summary>
    private static async Task<IResult> ChannelAsync(HttpContext http, string appId, string channel)
    {
        var (request, failure) = await AuthenticateAsync(http, appId).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        request!.Body.Dispose();
        if (!TryPresenceChannel(http, request.App, channel, out var name, out var refusal))
        {
            return refusal ?? NotAvailable(http);
        }

        var count = await http.RequestServices.GetRequiredService<IPresenceStore>().GetMemberCountAsync(name, http.RequestAborted).ConfigureAwait(false);
        return Results.Json(new Dictionary<string, object> { ["occupied"] = count > 0, ["user_count"] = count });
    }

    /// <summary>The users of a presence channel, cluster-wide: <c>{users: [{id}]}</c>.</summary>
    private static async Task<IResult> UsersAsync(HttpContext http, string appId, string channel)
    {
        var (request, failure) = await AuthenticateAsync(http, appId).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        request!.Body.Dispose();
        if (!TryPresenceChannel(http, request.App, channel, out var name, out var refusal))
        {
            return refusal ?? BadRequest(http, "users are listed for presence channels only");
        }

        var members = await http.RequestServices.GetRequiredService<IPresenceStore>().GetMembersAsync(name, http.RequestAborted).ConfigureAwait(false);
        return Results.Json(new { users = members.Select(m => new { id = m.Id }) });
    }

    private static bool TryPresenceChannel(HttpContext http, PusherApp app, string channel, out ChannelName name, out IResult? refusal)
    {
        var apps = http.RequestServices.GetRequiredService<PusherApps>();
        var maxLength = http.RequestServices.GetRequiredService<IOptions<ChannelsOptions>>().Value.MaxChannelNameLength;
        if (!PusherChannelNames.TryToCore(app, apps.IsDefault(app), channel, maxLength, out name, out var error))
        {
            refusal = BadRequest(http, $"{ChannelErrorCodes.InvalidChannel}: {error}");
            return false;
        }

        refusal = null;
        return name.Kind == ChannelKind.Presence;
    }

    /// <summary>Occupancy of public and private channels needs a cluster-wide query of subscriptions the core does not offer yet.</summary>
    private static IResult NotAvailable(HttpContext http) =>
        Refuse(http, StatusCodes.Status501NotImplemented, "channel listings and occupancy are served for presence channels only (/channels/presence-…, /users)");

    private static async Task<IResult> EventsAsync(HttpContext http, string appId)
    {
        var (request, failure) = await AuthenticateAsync(http, appId).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        using var document = request!.Body;
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return BadRequest(http, "the body must be a JSON object");
        }

        var channels = new List<string>();
        if (root.TryGetProperty("channels", out var many) && many.ValueKind == JsonValueKind.Array)
        {
            channels.AddRange(many.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.String).Select(c => c.GetString()!));
        }
        else if (root.TryGetProperty("channel", out var one) && one.ValueKind == JsonValueKind.String)
        {
            channels.Add(one.GetString()!);
        }

        if (channels.Count is 0 or > MaxChannelsPerEvent)
        {
            return BadRequest(http, $"an event needs 1 to {MaxChannelsPerEvent} channels");
        }

        return await PublishAsync(http, request.App, root, channels).ConfigureAwait(false) ?? Results.Json(new { });
    }

    private static async Task<IResult> BatchEventsAsync(HttpContext http, string appId)
    {
        var (request, failure) = await AuthenticateAsync(http, appId).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        using var document = request!.Body;
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("batch", out var batch)
            || batch.ValueKind != JsonValueKind.Array)
        {
            return BadRequest(http, "the body must be {\"batch\": [...]}");
        }

        if (batch.GetArrayLength() is 0 or > MaxBatchSize)
        {
            return BadRequest(http, $"a batch holds 1 to {MaxBatchSize} events");
        }

        foreach (var item in batch.EnumerateArray())
        {
            var channel = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("channel", out var c) && c.ValueKind == JsonValueKind.String
                ? c.GetString()!
                : null;
            if (channel is null)
            {
                return BadRequest(http, "each batch event needs a channel");
            }

            if (await PublishAsync(http, request.App, item, [channel]).ConfigureAwait(false) is { } error)
            {
                return error;
            }
        }

        return Results.Json(new { batch = Enumerable.Range(0, batch.GetArrayLength()).Select(_ => new { }).ToArray() });
    }

    private static async Task<IResult?> PublishAsync(HttpContext http, PusherApp app, JsonElement item, List<string> channels)
    {
        var name = item.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        if (string.IsNullOrEmpty(name))
        {
            return BadRequest(http, "the event needs a name");
        }

        if (!item.TryGetProperty("data", out var rawData))
        {
            return BadRequest(http, "the event needs data");
        }

        var socketId = item.TryGetProperty("socket_id", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        if (socketId is not null && !PusherSocketIds.IsWellFormed(socketId))
        {
            return BadRequest(http, "socket_id must look like 123.456");
        }

        var data = ToPayload(rawData);
        var services = http.RequestServices;
        var apps = services.GetRequiredService<PusherApps>();
        var maxLength = services.GetRequiredService<IOptions<ChannelsOptions>>().Value.MaxChannelNameLength;
        var broadcaster = services.GetRequiredService<IChannelBroadcaster>();
        foreach (var channel in channels)
        {
            if (!PusherChannelNames.TryToCore(app, apps.IsDefault(app), channel, maxLength, out var coreName, out var error))
            {
                return BadRequest(http, $"{ChannelErrorCodes.InvalidChannel}: {error}");
            }

            try
            {
                await broadcaster.PublishAsync(coreName.Value, name, data, socketId, http.RequestAborted).ConfigureAwait(false);
            }
            catch (ChannelException ex)
            {
                var status = ex.Code == ChannelErrorCodes.PayloadTooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest;
                return Refuse(http, status, ex.Message);
            }
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

    private static async Task<(SignedRequest? Request, IResult? Failure)> AuthenticateAsync(HttpContext http, string appId)
    {
        var services = http.RequestServices;
        var app = services.GetRequiredService<PusherApps>().FindById(appId);
        if (app is null)
        {
            return (null, Refuse(http, StatusCodes.Status404NotFound, $"unknown app '{appId}'"));
        }

        var body = await ReadBodyAsync(http).ConfigureAwait(false);
        if (body is null)
        {
            return (null, Refuse(http, StatusCodes.Status413PayloadTooLarge, $"the body exceeds {MaxBodyBytes} bytes"));
        }

        var query = http.Request.Query;
        if (!string.Equals(query["auth_key"], app.Key, StringComparison.Ordinal))
        {
            return (null, Refuse(http, StatusCodes.Status401Unauthorized, "auth_key does not match the app"));
        }

        var options = services.GetRequiredService<IOptions<PusherOptions>>().Value;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds();
        if (!long.TryParse(query["auth_timestamp"], NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || Math.Abs(now - timestamp) > options.TimestampTolerance.TotalSeconds)
        {
            return (null, Refuse(http, StatusCodes.Status401Unauthorized, $"auth_timestamp is missing or more than {options.TimestampTolerance.TotalSeconds:0} s from the server clock"));
        }

        if (!string.Equals(query["auth_version"], "1.0", StringComparison.Ordinal))
        {
            return (null, Refuse(http, StatusCodes.Status401Unauthorized, "auth_version must be 1.0"));
        }

        if (body.Length > 0 || query.ContainsKey("body_md5"))
        {
            var md5 = Convert.ToHexStringLower(MD5.HashData(body));
            if (!PusherSignatures.FixedTimeEquals(md5, query["body_md5"].ToString()))
            {
                return (null, Refuse(http, StatusCodes.Status401Unauthorized, "body_md5 does not match the body"));
            }
        }

        var parameters = string.Join('&', query
            .Where(p => !string.Equals(p.Key, "auth_signature", StringComparison.Ordinal))
            .Select(p => (Key: p.Key.ToLowerInvariant(), Value: p.Value.ToString()))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));
        var signature = query["auth_signature"].ToString();
        var method = http.Request.Method.ToUpperInvariant();

        // Signed over the full path (a publisher that knows the path prefix, as the PHP SDK's base path does) or over
        // /apps/{id}/… (a publisher behind a proxy that strips the prefix, or an SDK without one).
        var fullPath = (http.Request.PathBase + http.Request.Path).Value ?? string.Empty;
        var appsAt = fullPath.IndexOf("/apps/", StringComparison.Ordinal);
        var valid = Matches(app, method, fullPath, parameters, signature)
            || (appsAt > 0 && Matches(app, method, fullPath[appsAt..], parameters, signature));
        if (!valid)
        {
            return (null, Refuse(http, StatusCodes.Status401Unauthorized, "Invalid signature: auth_signature does not match the request"));
        }

        try
        {
            return (new SignedRequest(app, JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body)), null);
        }
        catch (JsonException)
        {
            return (null, BadRequest(http, "the body is not valid JSON"));
        }
    }

    private static bool Matches(PusherApp app, string method, string path, string parameters, string signature) =>
        PusherSignatures.FixedTimeEquals(PusherSignatures.Sign(app.Secret, $"{method}\n{path}\n{parameters}"), signature);

    private static async Task<byte[]?> ReadBodyAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static IResult BadRequest(HttpContext http, string message) => Refuse(http, StatusCodes.Status400BadRequest, message);

    private static IResult Refuse(HttpContext http, int status, string message)
    {
        PusherLog.ApiRefused(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("SignalRChannels.Pusher"), status, message);
        return Results.Text(message + "\n", "text/plain", Encoding.UTF8, status);
    }

    private sealed record SignedRequest(PusherApp App, JsonDocument Body);
}
