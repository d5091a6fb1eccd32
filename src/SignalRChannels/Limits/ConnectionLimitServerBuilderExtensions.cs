using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SignalRChannels;
using SignalRChannels.Limits;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds a per-node connection limit to channels.</summary>
public static class ConnectionLimitServerBuilderExtensions
{
    /// <summary>
    /// Limits how many connections this node holds. Past the limit, a new connection to a channel hub is refused with
    /// HTTP 429 (<c>limit_exceeded:</c>, with a <c>Retry-After</c> header) before the WebSocket upgrade, or at negotiation
    /// for the other transports; connections already open are never dropped. WebSocket and server-sent-events
    /// connections count for as long as their request lasts, long-polling ones from connect to disconnect.
    /// </summary>
    /// <param name="builder">The channels builder.</param>
    /// <param name="configure">Sets <see cref="ConnectionLimitOptions.MaxConnections"/>.</param>
    /// <returns>The same builder.</returns>
    public static IChannelsServerBuilder AddConnectionLimit(this IChannelsServerBuilder builder, Action<ConnectionLimitOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        var services = builder.Services;
        services.AddOptions<ConnectionLimitOptions>().Configure(configure).ValidateDataAnnotations().ValidateOnStart();
        AddAdmission(services);
        return builder;
    }

    /// <summary>The admission check of channel hubs (connection limit, refusal while draining), registered once.</summary>
    internal static void AddAdmission(IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(ConnectionAdmission)))
        {
            services.AddSingleton<ConnectionAdmission>();
            services.AddSingleton<LongPollingConnectionCounter>();
            services.Configure<HubOptions>(options => options.AddFilter<LongPollingConnectionCounter>());
        }
    }
}
