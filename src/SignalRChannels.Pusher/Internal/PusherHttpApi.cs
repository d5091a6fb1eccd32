using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SignalRChannels.Api;

namespace SignalRChannels.Pusher.Internal;

/// <summary>
/// The Pusher HTTP API (<c>/apps/{id}/events</c>, <c>/batch_events</c>, <c>/channels</c>, <c>/channels/{name}</c>,
/// <c>/channels/{name}/users</c>): the core's one HTTP API implementation (<see cref="ChannelsApiEndpoints"/>), in
/// the app's channel namespace, authenticated by Pusher's request signing: <c>auth_signature</c> = HMAC-SHA256 with
/// the app's secret over <c>METHOD\npath\nsorted-params</c>, a timestamp window and <c>body_md5</c>.
/// </summary>
internal static class PusherHttpApi
{
    public static void Map(IEndpointRouteBuilder group) =>
        ChannelsApiEndpoints.Map(group, "/apps/{appId}", AuthenticateAsync);

    private static async Task<ApiRequest> AuthenticateAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var apps = services.GetRequiredService<PusherApps>();
        var appId = (string?)http.GetRouteValue("appId");
        var app = apps.FindById(appId);
        if (app is null)
        {
            return Refuse(http, StatusCodes.Status404NotFound, ChannelErrorCodes.InvalidArgument, $"unknown app '{appId}'");
        }

        var body = await ChannelsApiResults.ReadBodyAsync(http, ChannelsApiEndpoints.MaxBodyBytes).ConfigureAwait(false);
        if (body is null)
        {
            return Refuse(http, StatusCodes.Status413PayloadTooLarge, ChannelErrorCodes.PayloadTooLarge, $"the body exceeds {ChannelsApiEndpoints.MaxBodyBytes} bytes");
        }

        var query = http.Request.Query;
        if (!string.Equals(query["auth_key"], app.Key, StringComparison.Ordinal))
        {
            return Unauthorized(http, "auth_key does not match the app");
        }

        var options = services.GetRequiredService<IOptions<PusherOptions>>().Value;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds();
        if (!long.TryParse(query["auth_timestamp"], NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || Math.Abs(now - timestamp) > options.TimestampTolerance.TotalSeconds)
        {
            return Unauthorized(http, $"auth_timestamp is missing or more than {options.TimestampTolerance.TotalSeconds:0} s from the server clock");
        }

        if (!string.Equals(query["auth_version"], "1.0", StringComparison.Ordinal))
        {
            return Unauthorized(http, "auth_version must be 1.0");
        }

        if (body.Length > 0 || query.ContainsKey("body_md5"))
        {
            var md5 = Convert.ToHexStringLower(MD5.HashData(body));
            if (!PusherSignatures.FixedTimeEquals(md5, query["body_md5"].ToString()))
            {
                return Unauthorized(http, "body_md5 does not match the body");
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
            return Unauthorized(http, "Invalid signature: auth_signature does not match the request");
        }

        var maxLength = services.GetRequiredService<IOptions<ChannelsOptions>>().Value.MaxChannelNameLength;
        return ApiRequest.Parse(http, new PusherAppNamespace(apps, app, maxLength), body);
    }

    private static bool Matches(PusherApp app, string method, string path, string parameters, string signature) =>
        PusherSignatures.FixedTimeEquals(PusherSignatures.Sign(app.Secret, $"{method}\n{path}\n{parameters}"), signature);

    private static ApiRequest Unauthorized(HttpContext http, string message) =>
        Refuse(http, StatusCodes.Status401Unauthorized, ChannelErrorCodes.Forbidden, message);

    private static ApiRequest Refuse(HttpContext http, int status, string code, string message) =>
        ApiRequest.Refused(ChannelsApiResults.Refuse(http, status, code, message));
}
