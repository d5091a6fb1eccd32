using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SignalRChannels;
using SignalRChannels.Dashboard;
using SignalRChannels.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the live channels dashboard.</summary>
public static class ChannelsDashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps a live dashboard page at <paramref name="prefix"/>: nodes, connections, occupied channels, presence counts,
    /// publish and delivery rates and heartbeat round-trip times, with charts of the last minutes. The page and its
    /// script are served from this assembly (no CDN). It connects to the app's channel hub with the browser's
    /// credentials (cookies) and subscribes to the reserved channel <c>private-signalrchannels.dashboard</c>, whose
    /// route requires <paramref name="policyName"/> too: a client without the policy is refused <c>forbidden</c>.
    /// While someone subscribes, every node publishes a sample to that channel each second.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="prefix">The path of the page, for example <c>/channels-dashboard</c>.</param>
    /// <param name="policyName">
    /// The ASP.NET Core authorization policy a viewer must satisfy, for the page (401 without a user, 403 when the
    /// policy fails) and for the dashboard channel.
    /// </param>
    /// <param name="hubPath">
    /// The path of the channel hub the page connects to, for example <c>/hubs/chat</c>; null to use the app's only
    /// hub mapped with <c>MapChannelHub</c> (found when the page is first served).
    /// </param>
    /// <returns>A builder for further conventions on the dashboard's endpoints.</returns>
    public static RouteGroupBuilder MapChannelsDashboard(this IEndpointRouteBuilder endpoints, string prefix, string policyName, string? hubPath = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentException.ThrowIfNullOrEmpty(policyName);
        if (hubPath is not null && !hubPath.StartsWith('/'))
        {
            throw new ArgumentException("The hub path must start with '/', for example /hubs/chat.", nameof(hubPath));
        }

        var services = endpoints.ServiceProvider;
        var registry = services.GetService<ChannelRegistry>()
            ?? throw new InvalidOperationException("Call services.AddSignalR().AddChannels(...) before MapChannelsDashboard().");
        registry.AddReservedRoute(ChannelKind.Private, DashboardChannel.RoutePattern).RequireAuthorization(policyName);
        registry.DisableWhispers(ChannelPattern.Parse(DashboardChannel.Name));
        services.GetRequiredService<DashboardSampler>().Enable();

        var group = endpoints.MapGroup(prefix);
        group.RequireAuthorization(policyName);
        DashboardEndpoints.Map(group, hubPath);
        return group;
    }
}
