using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SignalRChannels.Api;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the channels HTTP API.</summary>
public static class ChannelsApiEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the HTTP API in the shapes of the Pusher HTTP API, answered cluster-wide by <see cref="SignalRChannels.IChannelsQuery"/>:
    /// <c>GET {prefix}/channels?filter_by_prefix=&amp;info=</c>, <c>GET {prefix}/channels/{channel}?info=</c>,
    /// <c>GET {prefix}/channels/{channel}/users</c>, <c>POST {prefix}/events</c> and <c>POST {prefix}/batch_events</c>.
    /// Every endpoint requires <paramref name="policyName"/>; refusals are JSON <c>{"code", "error"}</c>.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="prefix">The path prefix, for example <c>/channels-api</c>.</param>
    /// <param name="policyName">The ASP.NET Core authorization policy a caller must satisfy (401 without a user, 403 when the policy fails).</param>
    /// <returns>A builder for further conventions on every endpoint of the API.</returns>
    public static RouteGroupBuilder MapChannelsApi(this IEndpointRouteBuilder endpoints, string prefix, string policyName)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        _ = endpoints.ServiceProvider.GetService<SignalRChannels.IChannelsQuery>()
            ?? throw new InvalidOperationException("Call services.AddSignalR().AddChannels(...) before MapChannelsApi().");

        var group = endpoints.MapGroup(prefix);
        group.RequireAuthorization(policyName);
        ChannelsApiEndpoints.Map(group, string.Empty, http =>
            ChannelsApiEndpoints.ReadAsync(http, http.RequestServices.GetRequiredService<CoreChannelNamespace>()));
        return group;
    }
}
