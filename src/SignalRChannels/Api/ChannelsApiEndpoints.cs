using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SignalRChannels.Api;

/// <summary>
/// The one implementation of the HTTP API in the Pusher HTTP API's shapes, mapped under a route prefix with a way to
/// authenticate: <c>GET {prefix}/channels</c>, <c>GET {prefix}/channels/{channel}</c>,
/// <c>GET {prefix}/channels/{channel}/users</c>, <c>POST {prefix}/events</c> and <c>POST {prefix}/batch_events</c>.
/// </summary>
internal static class ChannelsApiEndpoints
{
    /// <summary>The largest request body read (1 MiB), as Pusher's own limit for a batch.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public static void Map(IEndpointRouteBuilder group, string routePrefix, ApiAuthenticator authenticate)
    {
        group.MapGet(routePrefix + "/channels", Handle(authenticate, (http, request) =>
            ChannelsApiQueries.ChannelsAsync(http, request.Names!)));
        group.MapGet(routePrefix + "/channels/{channel}", Handle(authenticate, (http, request) =>
            ChannelsApiQueries.ChannelAsync(http, request.Names!, ChannelOf(http))));
        group.MapGet(routePrefix + "/channels/{channel}/users", Handle(authenticate, (http, request) =>
            ChannelsApiQueries.UsersAsync(http, request.Names!, ChannelOf(http))));
        group.MapPost(routePrefix + "/events", Handle(authenticate, (http, request) =>
            ChannelsApiEvents.EventsAsync(http, request.Names!, request.Body!.RootElement))).DisableAntiforgery();
        group.MapPost(routePrefix + "/batch_events", Handle(authenticate, (http, request) =>
            ChannelsApiEvents.BatchEventsAsync(http, request.Names!, request.Body!.RootElement))).DisableAntiforgery();
    }

    /// <summary>The authenticator of <c>MapChannelsApi</c>: the policy has run already; only the body is left to read.</summary>
    public static async Task<ApiRequest> ReadAsync(HttpContext http, IChannelNamespace names)
    {
        var body = await ChannelsApiResults.ReadBodyAsync(http, MaxBodyBytes).ConfigureAwait(false);
        return body is null
            ? ApiRequest.Refused(ChannelsApiResults.Refuse(http, StatusCodes.Status413PayloadTooLarge, ChannelErrorCodes.PayloadTooLarge, $"the body exceeds {MaxBodyBytes} bytes"))
            : ApiRequest.Parse(http, names, body);
    }

    private static string ChannelOf(HttpContext http) => (string)http.GetRouteValue("channel")!;

    private static Delegate Handle(ApiAuthenticator authenticate, Func<HttpContext, ApiRequest, Task<IResult>> answer) =>
        (Func<HttpContext, Task<IResult>>)(http => AnswerAsync(http, authenticate, answer));

    private static async Task<IResult> AnswerAsync(HttpContext http, ApiAuthenticator authenticate, Func<HttpContext, ApiRequest, Task<IResult>> answer)
    {
        using var request = await authenticate(http).ConfigureAwait(false);
        if (request.Refusal is { } refusal)
        {
            return refusal;
        }

        try
        {
            return await answer(http, request).ConfigureAwait(false);
        }
        catch (ChannelException ex)
        {
            return ChannelsApiResults.FromException(http, ex);
        }
    }
}
