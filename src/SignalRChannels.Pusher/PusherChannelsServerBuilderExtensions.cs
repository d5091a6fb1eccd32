using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SignalRChannels;
using SignalRChannels.Pusher;
using SignalRChannels.Pusher.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Pusher protocol endpoint to channels.</summary>
public static class PusherChannelsServerBuilderExtensions
{
    /// <summary>
    /// Adds the Pusher Channels protocol and HTTP API on top of channels. Map the endpoints with
    /// <c>app.MapPusherProtocol&lt;THub&gt;()</c> and, to serve Laravel-style channel auth from this app,
    /// <c>app.MapPusherAuthEndpoint()</c>. Options can also be bound from configuration with
    /// <c>services.Configure&lt;PusherOptions&gt;(configuration.GetSection("Pusher"))</c>.
    /// </summary>
    /// <param name="builder">The channels builder.</param>
    /// <param name="configure">Adds the apps (id, key, secret) and changes timings.</param>
    /// <returns>The same builder.</returns>
    public static IChannelsServerBuilder AddPusherProtocol(this IChannelsServerBuilder builder, Action<PusherOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        var services = builder.Services;
        services.AddOptions<PusherOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PusherOptions>, PusherOptionsValidator>());
        services.TryAddSingleton<PusherApps>();
        // Apps with WebhookUrls get webhooks of their own channels, signed with their own credentials.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<SignalRChannels.Webhooks.Internal.IWebhookTargetSource, PusherWebhookTargets>());
        WebhooksServerBuilderExtensions.AddWebhookServices(services);
        return builder;
    }
}
