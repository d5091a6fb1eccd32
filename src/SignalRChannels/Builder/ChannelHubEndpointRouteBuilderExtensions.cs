using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using SignalRChannels;
using SignalRChannels.Internal;
using SignalRChannels.Limits;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps a <see cref="ChannelHub"/>.</summary>
public static class ChannelHubEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps a channel hub at <paramref name="pattern"/> and makes it the target of <see cref="IChannelBroadcaster"/>.
    /// </summary>
    /// <typeparam name="THub">The app's hub, derived from <see cref="ChannelHub"/>.</typeparam>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="pattern">The route, for example <c>/hubs/chat</c>.</param>
    /// <param name="configure">Configures the connection options (transports, authorization, buffer sizes).</param>
    /// <returns>A builder for endpoint conventions such as <c>RequireAuthorization()</c>.</returns>
    public static HubEndpointConventionBuilder MapChannelHub<THub>(
        this IEndpointRouteBuilder endpoints,
        string pattern,
        Action<HttpConnectionDispatcherOptions>? configure = null)
        where THub : ChannelHub
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);

        var accessor = endpoints.ServiceProvider.GetService<HubClientsAccessor>()
            ?? throw new InvalidOperationException("Call services.AddSignalR().AddChannels() before MapChannelHub<THub>().");
        accessor.Set<THub>(endpoints.ServiceProvider);

        var hub = configure is null ? endpoints.MapHub<THub>(pattern) : endpoints.MapHub<THub>(pattern, configure);
        ConnectionAdmission.Attach(hub, endpoints.ServiceProvider);
        return hub;
    }
}
