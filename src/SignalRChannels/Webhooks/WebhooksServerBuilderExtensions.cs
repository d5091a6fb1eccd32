using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SignalRChannels;
using SignalRChannels.Webhooks.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds webhooks to channels.</summary>
public static class WebhooksServerBuilderExtensions
{
    /// <summary>
    /// POSTs lifecycle events (<c>channel_occupied</c>, <c>channel_vacated</c>, <c>member_added</c>,
    /// <c>member_removed</c>, <c>client_event</c>) in batches to the configured URLs, in Pusher's webhook format and
    /// signed as Pusher signs them. With <c>AddRedis()</c> (in either order) each event is raised by exactly one node
    /// of the cluster. Configure every node the same way.
    /// </summary>
    /// <param name="builder">The channels builder.</param>
    /// <param name="configure">Sets the URLs and credentials, and changes the other options.</param>
    /// <returns>The same builder.</returns>
    public static IChannelsServerBuilder AddWebhooks(this IChannelsServerBuilder builder, Action<WebhookOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<WebhookOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        AddWebhookServices(services);
        return builder;
    }

    /// <summary>
    /// The webhook machinery without <c>AddWebhooks</c>' own URLs, for packages that bring targets of their own (the
    /// Pusher package's apps): inert while no target has a URL.
    /// </summary>
    internal static void AddWebhookServices(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(WebhookQueue)))
        {
            return;
        }

        services.AddOptions<WebhookOptions>();
        services.TryAddSingleton<WebhookMetrics>();
        services.AddSingleton<WebhookQueue>();
        services.AddSingleton<SignalRChannels.Query.IOccupancyTransitions>(provider => provider.GetRequiredService<WebhookQueue>());
        services.AddSingleton<IChannelLifecycleHandler, WebhookLifecycleHandler>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<WebhookQueue>());
    }
}
