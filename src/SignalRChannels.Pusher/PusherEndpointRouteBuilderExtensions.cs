using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using SignalRChannels;
using SignalRChannels.Internal;
using SignalRChannels.Limits;
using SignalRChannels.Pusher.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Pusher protocol endpoints.</summary>
public static class PusherEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the Pusher Channels protocol 7 WebSocket endpoint <c>{prefix}/app/{key}</c> and the Pusher HTTP API
    /// <c>{prefix}/apps/{appId}/…</c>. Each Pusher socket becomes a connection of <typeparamref name="THub"/>, so Pusher
    /// and SignalR clients share channels, presence and history.
    /// </summary>
    /// <typeparam name="THub">The app's channel hub (the same one mapped with <c>MapChannelHub</c>, if any).</typeparam>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="prefix">A path prefix, for example <c>/pusher</c>; empty by default, as pusher-js expects.</param>
    /// <returns>A builder for conventions on every mapped endpoint.</returns>
    public static IEndpointConventionBuilder MapPusherProtocol<THub>(this IEndpointRouteBuilder endpoints, string prefix = "")
        where THub : ChannelHub
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);

        _ = endpoints.ServiceProvider.GetService<PusherApps>()
            ?? throw new InvalidOperationException("Call services.AddSignalR().AddChannels().AddPusherProtocol(...) before MapPusherProtocol<THub>().");
        var accessor = endpoints.ServiceProvider.GetRequiredService<HubClientsAccessor>();
        accessor.Set<THub>(endpoints.ServiceProvider);

        var group = endpoints.MapGroup(prefix);
        var socket = endpoints.CreateApplicationBuilder();
        socket.UseWebSockets();
        socket.Run(http => PusherSocketEndpoint.HandleAsync<THub>(http, (string)http.GetRouteValue("key")!));
        // Pusher sockets count toward AddConnectionLimit and are refused (503) while the node drains, as hub connections are.
        ConnectionAdmission.Attach(group.Map("/app/{key}", socket.Build()), endpoints.ServiceProvider);
        PusherHttpApi.Map(group);
        return group;
    }

    /// <summary>
    /// Maps Laravel's channel authorization endpoint: <c>POST</c> with form fields <c>socket_id</c> and
    /// <c>channel_name</c>, answered with <c>{auth}</c> or <c>{auth, channel_data}</c> after the app's channel routes allowed
    /// the request's user. Point Echo's <c>authEndpoint</c> at it.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="pattern">The route; <c>/broadcasting/auth</c> by default, as in Laravel.</param>
    /// <returns>A builder for conventions such as <c>RequireAuthorization()</c>.</returns>
    public static RouteHandlerBuilder MapPusherAuthEndpoint(this IEndpointRouteBuilder endpoints, string pattern = "/broadcasting/auth")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        return endpoints.MapPost(pattern, (Delegate)PusherAuthEndpoint.HandleAsync).DisableAntiforgery();
    }
}
