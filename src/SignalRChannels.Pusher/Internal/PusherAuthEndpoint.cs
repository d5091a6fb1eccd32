using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SignalRChannels.Authorization;
using SignalRChannels.Subscriptions;

namespace SignalRChannels.Pusher.Internal;

/// <summary>
/// <c>/broadcasting/auth</c> in Laravel's shape: runs the app's own channel authorization routes with the HTTP request's
/// user and answers <c>{auth}</c> or <c>{auth, channel_data}</c>, signed for the default app.
/// </summary>
internal static class PusherAuthEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http)
    {
        var services = http.RequestServices;
        string? socketId;
        string? channel;
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
            socketId = form["socket_id"];
            channel = form["channel_name"];
        }
        else
        {
            socketId = http.Request.Query["socket_id"];
            channel = http.Request.Query["channel_name"];
        }

        if (!PusherSocketIds.IsWellFormed(socketId))
        {
            return Results.BadRequest(new { error = $"{ChannelErrorCodes.InvalidArgument}: socket_id must look like 123.456" });
        }

        var apps = services.GetRequiredService<PusherApps>();
        var app = apps.Default;
        var maxLength = services.GetRequiredService<IOptions<ChannelsOptions>>().Value.MaxChannelNameLength;
        if (!PusherChannelNames.TryToCore(app, isDefault: true, channel, maxLength, out var name, out var error))
        {
            return Results.BadRequest(new { error = $"{ChannelErrorCodes.InvalidChannel}: {error}" });
        }

        if (name.Kind == ChannelKind.Public)
        {
            return Results.BadRequest(new { error = $"{ChannelErrorCodes.InvalidArgument}: public channels need no authorization" });
        }

        ChannelAuthorizationResult result;
        try
        {
            var authorizer = services.GetRequiredService<ChannelAuthorizer>();
            var hubCaller = new HttpCallerContext(http, socketId!);
            var caller = new ChannelCaller(socketId!, hubCaller.UserIdentifier, http.User, http.RequestAborted, hubCaller);
            result = await authorizer.AuthorizeAsync(caller, name, http.RequestAborted).ConfigureAwait(false);
        }
        catch (ChannelException ex)
        {
            return Results.Json(new { error = ex.Message }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (!result.IsAllowed || (name.Kind == ChannelKind.Presence && result.Member is null))
        {
            return Results.Json(new { error = $"{ChannelErrorCodes.Forbidden}: subscription to '{channel}' denied" }, statusCode: StatusCodes.Status403Forbidden);
        }

        var response = new Dictionary<string, string>(StringComparer.Ordinal);
        string? channelData = null;
        if (result.Member is { } member)
        {
            channelData = PusherFrames.Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("user_id", member.Id);
                w.WritePropertyName("user_info");
                member.Info.WriteTo(w);
                w.WriteEndObject();
            });
        }

        response["auth"] = PusherSignatures.ChannelAuth(app, socketId!, channel!, channelData);
        if (channelData is not null)
        {
            response["channel_data"] = channelData;
        }

        if (channel!.StartsWith("private-encrypted-", StringComparison.Ordinal) && app.EncryptionMasterKeyBase64 is { } masterKey)
        {
            response["shared_secret"] = PusherSignatures.SharedSecret(channel, Convert.FromBase64String(masterKey));
        }

        return Results.Json(response, JsonSerializerOptions.Web);
    }
}
